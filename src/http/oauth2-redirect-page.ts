/** The page `/api/oauth2-redirect` shows in the sign-in popup: static text per outcome, no script, strict CSP. */
import type { RedirectOutcome } from "../realtime/oauth2-redirect";

const TEXT: Record<RedirectOutcome, { status: 200 | 400; title: string; body: string }> = {
  "signed-in": {
    status: 200,
    title: "Sign-in completed",
    body: "You can close this window and go back to the app.",
  },
  "provider-error": {
    status: 400,
    title: "Sign-in failed",
    body: "The provider did not sign you in. You can close this window and go back to the app to try again.",
  },
  invalid: {
    status: 400,
    title: "Invalid or expired sign-in",
    body: "This sign-in link is invalid, expired or was already used, so nothing was sent to the app. Close this window and start the sign-in again from the app.",
  },
};

/**
 * Why these headers: the URL carries the provider's code, so no referrer leaves the page; the page runs no
 * script and loads nothing, and it renders only the constant text above (no request value reaches the HTML),
 * so inline style is the only source it needs.
 */
const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;color:#1f2328;background:#f6f8fa}main{max-width:28rem;padding:2rem;background:#fff;border:1px solid #d0d7de;border-radius:8px}h1{font-size:1.25rem;margin:0 0 .5rem}";

/** The popup's page for `outcome`, with its status and headers. */
export function oauth2RedirectPage(outcome: RedirectOutcome): Response {
  const { status, title, body } = TEXT[outcome];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body><main><h1>${title}</h1><p>${body}</p></main></body></html>`;
  return new Response(html, { status, headers: HEADERS });
}
