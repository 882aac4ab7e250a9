/**
 * One signed POST of a delivery (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), with a
 * timeout, a cap on how much of the response is read, and redirects never followed.
 */
import { Webhook } from "standardwebhooks";

/** Limits of one outbound request. */
export interface SendLimits {
  /** Abort after this long (default 10 s). */
  timeoutMs?: number;
  /** Read at most this many bytes of the response (default 64 KiB); the rest is cancelled. */
  maxResponseBytes?: number;
}

/** What a send came to: the HTTP status when there was a response, and an error message when it failed. */
export interface SendResult {
  ok: boolean;
  /** The response's status, 0 without a response. */
  status: number;
  /** Why it failed, for `_webhookDeliveries.error`: never the URL, headers or secret. */
  error: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** The Standard Webhooks headers for `body`, signed with `secret` (base64, optionally `whsec_`-prefixed). */
export function signedHeaders(secret: string, id: string, body: string, at: Date): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "Edgebase-Webhooks",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  };
}

/** Reads and discards at most `max` bytes of a response body, then cancels the rest. */
async function drain(body: ReadableStream<Uint8Array> | null, max: number): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= max) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** POSTs `body` to `url` with `headers`. Never throws: failures come back as a {@link SendResult}. */
export async function postDelivery(
  url: string,
  body: string,
  headers: Record<string, string>,
  limits: SendLimits = {},
): Promise<SendResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(limits.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      ok: false,
      status: 0,
      error: timedOut ? "The receiver did not answer in time." : "The receiver could not be reached.",
    };
  }
  try {
    await drain(response.body, limits.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  } catch {
    // A broken response body does not change the status the receiver answered with.
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, status, error: "" };
  if (status >= 300 && status < 400) return { ok: false, status, error: "Redirects are not followed." };
  return { ok: false, status, error: `The receiver answered ${status}.` };
}
