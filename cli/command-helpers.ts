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
