/** Reads (never verifies: the API does) the claims of a token: one in an emailed link, or a file token. */

function claims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) return {};
  try {
    const json = atob(
      payload
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The `collectionId` claim of a JWT, or "" when the token is malformed. */
export function tokenCollectionId(token: string): string {
  const id = claims(token).collectionId;
  return typeof id === "string" ? id : "";
}

/** The `exp` claim of a JWT in milliseconds since the epoch, or 0 when the token is malformed or has none. */
export function tokenExpiry(token: string): number {
  const exp = claims(token).exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : 0;
}
