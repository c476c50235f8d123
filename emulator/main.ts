import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DOMAIN, startEmulator } from './server.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port)');
  }
  return port;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command('emulator')
  .description('Runs the local Okta org emulator over HTTPS in the foreground.')
  .requiredOption('--state <dir>', 'state directory: CA, credentials, org.sqlite and org.json')
  .option('--port <n>', 'port to listen on; 0 picks a free one', parsePort, 0)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .addOption(
    new Option('--storage <kind>', 'where users and groups live')
      .choices(['sqlite', 'memory'])
      .default('sqlite'),
  )
  .option('--domain <domain>', 'the org domain the emulator impersonates', DEFAULT_DOMAIN)
  .option('--seed-users <n>', 'users to seed into an empty org', parseCount)
  .action(
    async (opts: {
      state: string;
      port: number;
      host: string;
      storage: 'sqlite' | 'memory';
      domain: string;
      seedUsers?: number;
    }) => {
      const emulator = await startEmulator({
        stateDir: resolve(opts.state),
        port: opts.port,
        host: opts.host,
        storage: opts.storage,
        domain: opts.domain,
        ...(opts.seedUsers === undefined ? {} : { seedUsers: opts.seedUsers }),
      });
      // The path is the contract: scripts read org.json for the URL, CA and credentials.
      console.log(emulator.orgFile);
      console.error(`Okta org emulator for https://${emulator.domain} listening on ${emulator.url}`);
      const stop = (signal: string): void => {
        console.error(`emulator: ${signal}, stopping`);
        emulator.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    },
  );

program.parseAsync().catch((err: unknown) => {
  console.error(`emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
