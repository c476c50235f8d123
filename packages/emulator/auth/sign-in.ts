import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { readBody } from '../http.js';
import { safeEqual } from './authenticate.js';
import type { OrgCredentials } from './clients.js';

const MAX_FORM_BYTES = 16 * 1024;

/**
 * Serves the sign-in and consent page of the authorization code flow (`/login/interaction/{uid}`).
 *
 * `GET` shows a minimal HTML form; `POST` with the org admin's `username` and `password` signs in and
 * consents to the scopes the app requested (already checked against the app's grants), then redirects
 * back to the authorization endpoint. Tests post the form directly (see `authorizeWithScriptedAdmin`).
 */
export function createSignInHandler(deps: {
  provider: Provider;
  credentials: OrgCredentials;
}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { provider, credentials } = deps;
  return async (req, res) => {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendHtml(
        res,
        400,
        page('Sign-in session expired', '<p>Start the sign-in again from the app.</p>'),
      );
    }
    const clientId = String(details.params.client_id ?? '');
    const client = credentials.clients.find((c) => c.clientId === clientId);
    const scopes = String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean);

    if (req.method === 'GET') return sendHtml(res, 200, form(details.uid, client?.name ?? clientId, scopes));
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      return sendHtml(res, 405, page('Method not allowed', ''));
    }

    const raw = await readBody(req, MAX_FORM_BYTES);
    if (raw === undefined) throw new Error('sign-in form too large');
    const body = new URLSearchParams(raw.toString('utf8'));
    const admin = credentials.admin;
    if (
      !safeEqual(body.get('username') ?? '', admin.login) ||
      !safeEqual(body.get('password') ?? '', admin.password)
    ) {
      return sendHtml(res, 401, form(details.uid, client?.name ?? clientId, scopes, 'Unable to sign in'));
    }

    const grant = new provider.Grant({ accountId: admin.userId, clientId });
    if (scopes.length) grant.addOIDCScope(scopes.join(' '));
    const missingClaims = details.prompt.details.missingOIDCClaims;
    if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: admin.userId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function form(uid: string, appName: string, scopes: string[], error?: string): string {
  const items = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return page(
    'Sign in',
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<p><strong>${escapeHtml(appName)}</strong> asks for access to:</p><ul>${items}</ul>
<form method="post" action="/login/interaction/${encodeURIComponent(uid)}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in and allow access</button>
</form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Okta emulator</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'",
  });
  res.end(html);
}
