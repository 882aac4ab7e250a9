/**
 * The file token the dashboard's file previews share (record editor, records table): an <img> sends no
 * Authorization header, and the API serves files under the viewRule (protected ones only with a token).
 * File tokens are short-lived (180 s by default), so one is reused while it stays valid, and a new one is
 * asked for when it is about to expire, instead of previews failing. A preview refused later (an image
 * loading lazily after the expiry) asks again through get(): a token still valid is not replaced, so a file
 * that fails for another reason (deleted, not an image) causes no request loop.
 * Pure (the SDK call is passed in); unit-tested.
 */
import { tokenExpiry } from "./token";

/** A token this close to its expiry is renewed first: an image request made with it must still arrive in time. */
export const RENEW_MARGIN_MS = 20_000;

/** A shared file token. */
export interface FileTokenSource {
  /** A token valid for at least RENEW_MARGIN_MS more; concurrent callers share one request. */
  get(): Promise<string>;
  /** Forgets the token (a sign-out, or another user signed in). */
  clear(): void;
}

/** A token source over `fetchToken`, with `now` as the clock in milliseconds. */
export function fileTokenSource(
  fetchToken: () => Promise<string>,
  now: () => number = Date.now,
): FileTokenSource {
  let token = "";
  let pending: Promise<string> | null = null;
  return {
    get() {
      if (token && tokenExpiry(token) - now() > RENEW_MARGIN_MS) return Promise.resolve(token);
      pending ??= fetchToken()
        .then((t) => {
          token = t;
          return t;
        })
        .finally(() => {
          pending = null;
        });
      return pending;
    },
    clear() {
      token = "";
    },
  };
}
