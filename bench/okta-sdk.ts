/**
 * The baseline of the onboarding benchmarks: the same hires through Okta's own Node SDK
 * (`@okta/okta-sdk-nodejs`), done the best way it allows: group names resolved once, each user created
 * active in its groups in one call, `concurrency` creates in flight, the SDK's default 429 retry
 * (`DefaultRequestExecutor`: two retries, each at `X-Rate-Limit-Reset` plus a second).
 */
import { readFile } from 'node:fs/promises';
import { Agent, type RequestOptions } from 'node:https';
import { connect } from 'node:tls';
import okta from '@okta/okta-sdk-nodejs';
import { toProfile, type NewHire } from '../common/new-hire.js';
import { orgClient } from 'temporal-okta-emulator/org';
import type { TestOrg } from 'temporal-okta-emulator/testing';

/**
 * Sends every TLS connection to the emulator's loopback port while the SDK keeps the org URL (port 443),
 * the SNI and the certificate check of the org domain, and trusts the emulator's CA.
 */
class EmulatorAgent extends Agent {
  constructor(
    private readonly target: { host: string; port: number },
    ca: string,
    maxSockets: number,
  ) {
    super({ keepAlive: true, ca, maxSockets });
  }

  override createConnection(options: RequestOptions) {
    return connect({
      ...(options as object),
      host: this.target.host,
      port: this.target.port,
      servername: options.servername ?? options.hostname ?? undefined,
    });
  }
}

/** The SDK's default executor, retries and all; only its connections take the emulator's agent. */
class AgentRequestExecutor extends okta.DefaultRequestExecutor {
  constructor(private readonly agent: Agent) {
    super();
  }

  override fetch(request: Parameters<okta.DefaultRequestExecutor['fetch']>[0]) {
    request.agent = this.agent;
    return super.fetch(request);
  }
}

export interface SdkRun {
  elapsedMs: number;
  /** Hires whose create the SDK gave up on. */
  failures: number;
  /** When the run started (epoch ms), to read its requests from the log. */
  startMs: number;
}

/** Onboards `hires` through the Okta Node SDK with `concurrency` creates at once (the `service` app). */
export async function onboardWithOktaSdk(t: TestOrg, hires: NewHire[], concurrency: number): Promise<SdkRun> {
  const app = orgClient(t.org, 'service');
  const url = new URL(t.org.url);
  const agent = new EmulatorAgent(
    { host: url.hostname, port: Number(url.port) },
    await readFile(t.org.caFile, 'utf8'),
    concurrency + 2,
  );
  const sdk = new okta.Client({
    orgUrl: `https://${t.org.domain}`,
    authorizationMode: 'PrivateKey',
    clientId: app.clientId,
    scopes: ['okta.users.manage', 'okta.groups.manage'],
    privateKey: JSON.stringify(app.privateKeyJwk),
    keyId: app.privateKeyJwk!.kid,
    requestExecutor: new AgentRequestExecutor(agent),
    cacheMiddleware: null,
  });
  const startMs = Date.now();
  try {
    // Group names once for the run: found by exact name, or created.
    const groupIds = new Map<string, string>();
    for (const name of [...new Set(hires.flatMap((h) => h.groups))]) {
      let id: string | undefined;
      for await (const group of await sdk.groupApi.listGroups({ search: `profile.name eq "${name}"` })) {
        if (group?.profile?.name?.toLowerCase() === name.toLowerCase()) id = group.id;
      }
      id ??= (await sdk.groupApi.createGroup({ group: { profile: { name } } })).id;
      groupIds.set(name, id!);
    }
    let next = 0;
    let failures = 0;
    const lane = async () => {
      while (next < hires.length) {
        const hire = hires[next++]!;
        try {
          await sdk.userApi.createUser({
            body: { profile: toProfile(hire), groupIds: hire.groups.map((g) => groupIds.get(g)!) },
            activate: true,
          });
        } catch {
          failures += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, hires.length) }, lane));
    return { elapsedMs: Date.now() - startMs, failures, startMs };
  } finally {
    agent.destroy();
  }
}
