/** Optional environment values (vars or wrangler secrets) the auth layer reads; absent in a clean clone. */

/**
 * Declared here rather than in wrangler.toml so that no secret ever sits in [vars] and a clone without
 * `.dev.vars` still type-checks. Set secrets with `npm run wrangler -- secret put NAME`.
 */
export interface AuthEnv {
  /** Superuser bootstrap: with EDGEBASE_SUPERUSER_PASSWORD, this superuser is created on first use. */
  EDGEBASE_SUPERUSER_EMAIL?: string;
  /** Superuser bootstrap password (a secret; `.dev.vars` locally). */
  EDGEBASE_SUPERUSER_PASSWORD?: string;
  /**
   * Local development when exactly "1": set by `npm run dev` (`wrangler dev --var EDGEBASE_DEV:1`) and by the
   * test config, never in a deployment. Only then may mail go to the log (dev mailer) and links use the
   * request's Host.
   */
  EDGEBASE_DEV?: string;
  /** Public base URL of the app, for links in emails (required outside local dev; there the request's origin). */
  APP_URL?: string;
  /** Shown in emails (default "Edgebase"). */
  APP_NAME?: string;
  /** Mail API endpoint receiving `POST {from, to, subject, text, html}`; absent: the dev mailer in local dev, else no mail. */
  MAIL_API_URL?: string;
  /** Bearer token for MAIL_API_URL (a secret). */
  MAIL_API_KEY?: string;
  /** Sender address. */
  MAIL_FROM?: string;
}

/** The request's bindings with the optional auth values typed. */
export type EnvWithAuth = Cloudflare.Env & AuthEnv;

/** True in local development only (`EDGEBASE_DEV=1`, see {@link AuthEnv}); a deployment never sets it. */
export function isLocalDev(env: AuthEnv): boolean {
  return env.EDGEBASE_DEV === "1";
}
