/** Request ids: honour a well-formed incoming `x-request-id`, otherwise mint one. */

/** The header carrying the request id in both directions. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Length of a minted request id. */
export const REQUEST_ID_LENGTH = 20;

// Bounded and restricted so a client cannot inject log lines or oversized values through the header.
const INCOMING_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
// Rejection sampling keeps the draw uniform: 256 is not a multiple of 36.
const LIMIT = 256 - (256 % ALPHABET.length);
const POOL_BYTES = 1024;

// WebCrypto bytes drawn a kilobyte at a time (filled on first use: Workers refuse randomness in global scope).
// A request id is no secret (it is echoed and logged); the pool only saves a crypto call per request.
let pool: Uint8Array | undefined;
let next = POOL_BYTES;

function randomByte(): number {
  if (pool === undefined || next === POOL_BYTES) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    next = 0;
  }
  return pool[next++] as number;
}

/** A fresh id of {@link REQUEST_ID_LENGTH} characters of [a-z0-9]. */
export function mintRequestId(): string {
  let out = "";
  while (out.length < REQUEST_ID_LENGTH) {
    const b = randomByte();
    if (b < LIMIT) out += ALPHABET[b % ALPHABET.length];
  }
  return out;
}

/** Returns the incoming id when it is well-formed, else a fresh random one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  if (incoming && INCOMING_PATTERN.test(incoming)) return incoming;
  return mintRequestId();
}
