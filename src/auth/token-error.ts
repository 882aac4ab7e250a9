/** The one error every token verification failure becomes; the reason is for logs and WWW-Authenticate only. */

/** Why a token was refused. Never put it in a response body: one body for every failure avoids an oracle. */
export type TokenErrorReason =
  | "malformed"
  | "oversized"
  | "algorithm"
  | "header"
  | "signature"
  | "expired"
  | "not_yet_valid"
  | "claims"
  | "type"
  | "collection"
  | "session";

/** Thrown by token verification for any refused token. */
export class TokenError extends Error {
  override name = "TokenError";
  /** Machine-readable cause, for logs and the `www-authenticate` header. */
  readonly reason: TokenErrorReason;

  constructor(reason: TokenErrorReason, options: { cause?: unknown } = {}) {
    super(`invalid token (${reason})`, { cause: options.cause });
    this.reason = reason;
  }
}

const DESCRIPTIONS: Record<TokenErrorReason, string> = {
  malformed: "The token is malformed.",
  oversized: "The token is too large.",
  algorithm: "The token algorithm is not allowed.",
  header: "The token header is invalid.",
  signature: "The token signature is invalid.",
  expired: "The token has expired.",
  not_yet_valid: "The token is not valid yet.",
  claims: "The token claims are invalid.",
  type: "The token type is not accepted here.",
  collection: "The token belongs to another collection.",
  session: "The token's session has ended.",
};

/**
 * The `www-authenticate` header value for a refused token (RFC 6750), so clients can tell an expired token from
 * a bad one while the body stays identical for every failure.
 */
export function tokenWwwAuthenticate(error: TokenError): string {
  return `Bearer error="invalid_token", error_description="${DESCRIPTIONS[error.reason]}"`;
}
