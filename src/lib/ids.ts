/** Random record and collection ids: 15 characters of [a-z0-9], as PocketBase uses. */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** Length of every generated id. */
export const ID_LENGTH = 15;
const ID_PATTERN = /^[a-z0-9]{15}$/;

/** Returns `length` characters drawn uniformly from `alphabet` with WebCrypto randomness. */
export function randomString(length: number, alphabet = ALPHABET): string {
  let bytes = new Uint8Array(0);
  let at = 0;
  return draw(length, alphabet, () => {
    if (at === bytes.length) {
      bytes = crypto.getRandomValues(new Uint8Array(length * 2));
      at = 0;
    }
    return bytes[at++] as number;
  });
}

const POOL_BYTES = 1024;
// WebCrypto bytes drawn a kilobyte at a time, filled on first use (Workers refuse randomness in global scope).
let pool = new Uint8Array(0);
let poolAt = 0;

/**
 * {@link randomString} from a per-isolate pool of WebCrypto bytes: one crypto call per kilobyte instead of one per
 * string. For values that are no secret and are made on every request (request ids).
 */
export function pooledRandomString(length: number, alphabet = ALPHABET): string {
  return draw(length, alphabet, () => {
    if (poolAt === pool.length) {
      pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
      poolAt = 0;
    }
    return pool[poolAt++] as number;
  });
}

function draw(length: number, alphabet: string, nextByte: () => number): string {
  // Rejection sampling keeps the draw uniform: 256 is not a multiple of the alphabet size.
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    const b = nextByte();
    if (b < limit) out += alphabet[b % alphabet.length];
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
