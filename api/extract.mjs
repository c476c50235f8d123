// The public API report: runs API Extractor on the built declarations (dist/, from `npm run build`) of
// each entry point in package.json's `exports` and compares the result with api/<name>.api.md.
//   node api/extract.mjs          writes the reports (`npm run api`)
//   node api/extract.mjs --check  fails when the surface differs from the committed reports (`npm run api:check`)
// Either way an undocumented export (ae-undocumented) is an error: every public symbol has a doc comment.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const errors = [];
const differs = [];
const changed = [];
for (const [subpath, target] of Object.entries(pkg.exports)) {
  const types = path.join(root, target.types);
  const reportName = subpath === '.' ? pkg.name : `${pkg.name}-${subpath.slice(2).replaceAll('/', '-')}`;
  if (!existsSync(types)) {
    console.error(`${target.types} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
  const config = ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath: path.join(root, 'package.json'),
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: types,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            lib: ['ES2023'],
            types: ['node'],
            skipLibCheck: true,
          },
          files: [types],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${reportName}.api.md`,
        reportFolder: path.join(root, 'api'),
        reportTempFolder: path.join(root, 'dist', 'api'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning', addToApiReportFile: true },
          // Every public symbol says what it is for: an undocumented one fails the run.
          'ae-undocumented': { logLevel: 'error', addToApiReportFile: false },
          // A type another entry point exports (or an internal one) named in this entry's declarations.
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
          // We do not tag releases (@public, @beta): everything exported is public.
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
      },
    },
  });
  const result = Extractor.invoke(config, {
    localBuild: !check,
    showVerboseMessages: false,
    messageCallback: (message) => {
      // "Analysis will use the bundled TypeScript version ...", once per entry point: not news.
      if (message.messageId === 'console-preamble') message.handled = true;
    },
  });
  if (result.apiReportChanged) (check ? differs : changed).push(`api/${reportName}.api.md`);
  if (result.errorCount > 0) errors.push(`${subpath}: ${result.errorCount} error(s) above`);
}

if (errors.length > 0) {
  console.error(
    `\nAPI Extractor reported errors (an undocumented export is one: give it a doc comment):\n  ${errors.join('\n  ')}`,
  );
}
if (differs.length > 0) {
  console.error(
    `\nThe public API differs from the committed report:\n  ${differs.join('\n  ')}\n` +
      'Run `npm run api`, review the diff of api/*.api.md and commit it with the change.',
  );
}
if (errors.length > 0 || differs.length > 0) process.exit(1);
console.log(
  check
    ? 'The public API matches api/*.api.md.'
    : changed.length > 0
      ? `Rewrote ${changed.join(', ')}: review the diff.`
      : 'The public API is unchanged.',
);
