/**
 * A worker-like OS process for the refresh-token rotation tests: loads the connections file, discovers
 * the org, prints `ready`, waits for `go` on stdin, then refreshes one connection `count` times in a
 * row. It prints one JSON line: how many refreshes succeeded and the error types of those that failed.
 * Never a token.
 *
 *   node --import tsx test/activities/refresh-process.ts CONNECTIONS_FILE NAME COUNT
 */
import { createInterface } from 'node:readline';
import { loadConnections, type OAuthConnection } from '../../activities/connections.js';
import { discoverOrg } from '../../activities/oauth-configuration.js';
import { requestToken } from '../../activities/oauth.js';

const [file, name, count] = process.argv.slice(2);
if (!file || !name || !count) throw new Error('usage: refresh-process.ts CONNECTIONS_FILE NAME COUNT');

const connection = (await loadConnections({ file })).get(name) as OAuthConnection;
await discoverOrg(connection);
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line === 'go') break;
lines.close();

let ok = 0;
const failures: string[] = [];
for (let i = 0; i < Number(count); i++) {
  try {
    await requestToken(connection);
    ok++;
  } catch (err) {
    failures.push(String((err as { type?: unknown }).type ?? (err as Error).name));
  }
}
process.stdout.write(`${JSON.stringify({ ok, failures })}\n`);
