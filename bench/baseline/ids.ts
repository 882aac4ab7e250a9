/** Random 15-character record ids in PocketBase's `[a-z0-9]` shape, for the baseline's inserts. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new random record id. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}
