/** Request ids: honour a well-formed incoming `x-request-id`, otherwise mint one. */
import { pooledRandomString } from "../lib/ids";

/** The header carrying the request id in both directions. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Length of a minted request id. */
export const REQUEST_ID_LENGTH = 20;

// Bounded and restricted so a client cannot inject log lines or oversized values through the header.
const INCOMING_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** A fresh id of {@link REQUEST_ID_LENGTH} characters of [a-z0-9]. */
export function mintRequestId(): string {
  // A request id is no secret (it is echoed and logged): the pooled draw saves a crypto call per request.
  return pooledRandomString(REQUEST_ID_LENGTH);
}

/** Returns the incoming id when it is well-formed, else a fresh random one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  if (incoming && INCOMING_PATTERN.test(incoming)) return incoming;
  return mintRequestId();
}
