/** Request ids: honour a well-formed incoming `x-request-id`, otherwise mint one. */
import { randomString } from "../lib/ids";

/** The header carrying the request id in both directions. */
export const REQUEST_ID_HEADER = "x-request-id";

// Bounded and restricted so a client cannot inject log lines or oversized values through the header.
const INCOMING_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** Returns the incoming id when it is well-formed, else a fresh random one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  if (incoming && INCOMING_PATTERN.test(incoming)) return incoming;
  return randomString(20);
}
