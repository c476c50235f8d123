import { InvalidArgumentError, type Command } from 'commander';

/** Writes to the command's standard output (`configureOutput().writeOut`), so a caller or a test can capture it. */
export function writeOut(command: Command, text: string): void {
  const out = command.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
  out(text);
}

/** Parses a `--timeout <seconds>` option: a positive number of seconds. */
export function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidArgumentError('must be a positive number of seconds.');
  }
  return seconds;
}

/** What the demo and the emulator command need beyond temporal-okta, which installs neither. */
export const DEV_PACKAGES = ['temporal-okta-emulator', '@temporalio/testing'] as const;

/**
 * Imports what a development command (`demo`, `emulator`) needs; when one of {@link DEV_PACKAGES} is not
 * installed, fails with the command that installs them instead of a module resolution error.
 *
 * @example
 * const { runDemo } = await importDevPackage('demo', () => import('./demo.js'));
 */
export async function importDevPackage<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
    const missing =
      code === 'ERR_MODULE_NOT_FOUND' && DEV_PACKAGES.find((name) => String(message).includes(`'${name}'`));
    if (!missing) throw err;
    throw new Error(
      `\`temporal-okta ${command}\` needs ${missing}, which temporal-okta does not install (it is for ` +
        `development and tests). Install them beside it: npm install -D ${DEV_PACKAGES.join(' ')}`,
      { cause: err },
    );
  }
}
