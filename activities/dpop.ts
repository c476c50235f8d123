import * as oidc from 'openid-client';
import type { OAuthConnection } from './connections.js';
import { configurationOf, stateOf } from './oauth-configuration.js';

/**
 * DPoP (RFC 9449, docs/ARCHITECTURE.md §4): one key pair per connection and process, one handle for the
 * token endpoint and its twin for the Management API.
 */

// The Management API's DPoP handle for each token-endpoint handle: the same key pair, its own nonce. A
// handle remembers one server nonce per origin, and Okta serves its authorization server and its API at
// the same origin with nonces each accepts alone (RFC 9449 section 9). With one handle every switch
// between them cost a refused request; worse, a token response between an API call's use_dpop_nonce
// and its retry replaced the nonce the retry needed.
const resourceHandles = new WeakMap<oidc.DPoPHandle, oidc.DPoPHandle>();

export async function dpopHandle(connection: OAuthConnection): Promise<oidc.DPoPHandle | undefined> {
  if (!connection.dpop) return undefined;
  const state = stateOf(connection);
  if (!state.dpopHandle) {
    // One key pair per connection and process: tokens bound to it are only usable by this worker.
    state.dpopKeys ??= oidc.randomDPoPKeyPair('ES256');
    const keys = await state.dpopKeys;
    const configuration = await configurationOf(connection);
    if (!state.dpopHandle) {
      const handle = oidc.getDPoPHandle(configuration, keys);
      resourceHandles.set(handle, oidc.getDPoPHandle(configuration, keys));
      state.dpopHandle = handle;
    }
  }
  return state.dpopHandle;
}

/** The Management API's twin of a token-endpoint handle: the same key pair, its own nonce. */
export function resourceHandleOf(handle: oidc.DPoPHandle): oidc.DPoPHandle {
  return resourceHandles.get(handle) ?? handle;
}
