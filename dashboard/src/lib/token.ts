/** Reads (never verifies: the API does) the claims of a token in an emailed link. */

/** The `collectionId` claim of a JWT, or "" when the token is malformed. */
export function tokenCollectionId(token: string): string {
  const payload = token.split(".")[1];
  if (!payload) return "";
  try {
    const json = atob(
      payload
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    const claims = JSON.parse(json) as { collectionId?: unknown };
    return typeof claims.collectionId === "string" ? claims.collectionId : "";
  } catch {
    return "";
  }
}
