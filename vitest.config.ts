import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The workspace's emulator package from its TypeScript source, as tsconfig.json's `paths` map it.
const emulator = fileURLToPath(new URL('./packages/emulator/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^temporal-okta-emulator$/, replacement: `${emulator}index.ts` },
      { find: /^temporal-okta-emulator\/(.+)$/, replacement: `${emulator}$1.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-runtime.ts'],
    // Temporal workers load a native library and bundle workflows: separate processes keep them apart.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    // oidc-provider 9 warns on import that Node 20 is not a runtime it supports (it works there; the
    // emulator README says so). Drop exactly that line; every other warning and error still shows.
    onConsoleLog: (log) => !log.includes('oidc-provider WARNING: Unsupported runtime.'),
  },
});
