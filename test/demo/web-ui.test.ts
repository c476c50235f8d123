import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../cli/demo.js';
import { sampleNewHiresFile } from '../../cli/demo-config.js';
import type { NewHire } from '../../common/new-hire.js';
import { ENCRYPTED_ENCODING } from '../../worker/codec.js';
import { uniqueTaskQueue } from '../helpers/temporal.js';

/**
 * The demo as `npm start` runs it (its own dev server with the Web UI, the codec server, the emulator, a
 * worker, the onboarding run), then a real headless Chromium on the Web UI link the demo prints: the
 * workflow's input shows decrypted, decoded by the browser through the demo's codec server.
 *
 * Chromium is Debian's `chromium` package (`.ci/run` installs it; `CHROMIUM_PATH` names another one).
 * `WEB_UI_SCREENSHOT=docs/images/web-ui-decoded.png` refreshes the README's screenshot.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.WEB_UI_SCREENSHOT
  ? resolve(process.env.WEB_UI_SCREENSHOT)
  : join(tmpdir(), `web-ui-decoded-${process.pid}.png`);
const DEMO_BUDGET_MS = 150_000;
const PAGE_BUDGET_MS = 30_000;

let stateDir: string;
let hire: NewHire;
let result: DemoResult | undefined;
let pageText = '';
/** Where the browser ended up, for a failure's message. */
let pageSeen = '';
let waitError = '';
/** The decode requests the page sent: URL and Origin. */
const decodeRequests: { url: string; origin: string | undefined }[] = [];

describe.skipIf(!existsSync(CHROMIUM))(
  existsSync(CHROMIUM)
    ? "the demo's Web UI link, opened in headless Chromium"
    : `the demo's Web UI link (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium, as .ci/run does)`,
  () => {
    beforeAll(
      async () => {
        stateDir = await mkdtemp(join(tmpdir(), 'temporal-okta-web-ui-'));
        hire = (JSON.parse(await readFile(sampleNewHiresFile(), 'utf8')) as NewHire[])[0]!;
        await runDemo({
          stateDir,
          taskQueue: uniqueTaskQueue('web-ui'),
          seedUsers: 0,
          // No TEMPORAL_ADDRESS: the demo starts its own dev server, with the Web UI, as `npm start` does.
          env: {},
          output: { write: () => undefined, isTTY: false },
          signal: AbortSignal.timeout(DEMO_BUDGET_MS),
          // While everything the demo started is still up, as when it waits for Ctrl-C.
          beforeStop: async (demo) => {
            result = demo;
            const browser = await chromium.launch({ executablePath: CHROMIUM, timeout: PAGE_BUDGET_MS });
            try {
              const page = await browser.newPage({ viewport: { width: 1400, height: 760 } });
              const seen: Promise<void>[] = [];
              page.on('request', (request) => {
                if (new URL(request.url()).pathname !== '/decode') return;
                // The Origin header is added by the network stack: ask for the headers as sent.
                seen.push(
                  request.headerValue('origin').then((origin) => {
                    decodeRequests.push({ url: request.url(), origin: origin ?? undefined });
                  }),
                );
              });
              await page.goto(demo.webUiLink!, { timeout: PAGE_BUDGET_MS });
              // The decoded input shows the login; wait for it (a failure is reported by the tests below).
              await page
                .getByText(hire.login)
                .first()
                .waitFor({ timeout: PAGE_BUDGET_MS })
                .catch((error: unknown) => void (waitError = String(error)));
              pageText = await page.locator('body').innerText();
              pageSeen = `${page.url()} (${await page.title()}) ${waitError}`;
              await Promise.all(seen);
              await page.screenshot({ path: SCREENSHOT });
            } finally {
              await browser.close();
            }
          },
        });
      },
      DEMO_BUDGET_MS + 2 * PAGE_BUDGET_MS,
    );

    afterAll(async () => {
      if (stateDir) await rm(stateDir, { recursive: true, force: true });
    });

    it("shows a hire's login in the onboarding workflow's decoded input", () => {
      expect(result?.webUiLink).toMatch(/\/namespaces\/default\/workflows\/onboarding-/);
      expect(pageText, pageSeen).toContain('Input');
      expect(pageText).toContain(`"login": "${hire.login}"`);
      // The result lists logins too; the first name and employee number are in the input only.
      expect(pageText).toContain(`"firstName": "${hire.firstName}"`);
      expect(pageText).toContain(`"employeeNumber": "${hire.employeeNumber}"`);
    });

    it('shows no ciphertext', () => {
      expect(pageText, pageSeen).toContain('Input');
      expect(pageText).not.toContain(ENCRYPTED_ENCODING);
      expect(pageText).not.toContain(Buffer.from(ENCRYPTED_ENCODING).toString('base64'));
    });

    it("decodes in the browser through the demo's codec server, on loopback, from the Web UI's origin", () => {
      const webUiOrigin = new URL(result!.webUiLink!).origin;
      expect(result?.codecEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(decodeRequests.length).toBeGreaterThan(0);
      for (const request of decodeRequests) {
        expect(request.url).toBe(`${result!.codecEndpoint}/decode`);
        expect(request.origin).toBe(webUiOrigin);
      }
    });
  },
);
