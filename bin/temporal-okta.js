#!/usr/bin/env node
// The temporal-okta CLI. An installed package runs the compiled CLI (dist/cli/cli.js); a source checkout
// without a build runs the TypeScript entry through tsx (a dev dependency), so `npm start` needs no build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url));
const source = fileURLToPath(new URL('../cli/cli.ts', import.meta.url));
// tsconfig.json maps the workspace's emulator package to its source, so the checkout needs no build of it.
const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

async function load() {
  // Prefer the source in a checkout (it is what you edit); the build everywhere else.
  if (existsSync(source)) {
    try {
      const { register } = await import('tsx/esm/api');
      register({ tsconfig });
      return await import(pathToFileURL(source).href);
    } catch (err) {
      if (!existsSync(built) || err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }
  if (existsSync(built)) return import(pathToFileURL(built).href);
  throw new Error(
    `temporal-okta: neither ${built} nor a source checkout with tsx was found; run \`npm run build\` or \`npm ci\`.`,
  );
}

try {
  const cli = await load();
  await cli.main(process.argv);
} catch (err) {
  process.stderr.write(`temporal-okta: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
