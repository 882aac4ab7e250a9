/** Reads the challenge out of a credential's clientDataJSON (before verification, to find the stored challenge). */
import { fromBase64Url } from "../../lib/bytes";

/** The `challenge` of base64url clientDataJSON, or undefined when it is not JSON with a string challenge. */
export function challengeOf(clientDataJSON: string): string | undefined {
  const bytes = fromBase64Url(clientDataJSON);
  if (!bytes) return undefined;
  try {
    const data = JSON.parse(new TextDecoder().decode(bytes)) as { challenge?: unknown };
    return typeof data.challenge === "string" && data.challenge.length <= 512 ? data.challenge : undefined;
  } catch {
    return undefined;
  }
}
