/** Random record and collection ids: 15 characters of [a-z0-9], as PocketBase uses. */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** Length of every generated id. */
export const ID_LENGTH = 15;
const ID_PATTERN = /^[a-z0-9]{15}$/;

/** Returns `length` characters drawn uniformly from `alphabet` with WebCrypto randomness. */
export function randomString(length: number, alphabet = ALPHABET): string {
  // Rejection sampling keeps the draw uniform: 256 is not a multiple of the alphabet size.
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < limit) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new random id for a record or collection. */
export function newId(): string {
  return randomString(ID_LENGTH);
}

/** True when `value` has the shape of an id (a client may supply its own on create). */
export function isValidId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}
