/**
 * PocketBase's all-in-one OAuth2 flow, realtime side: the provider redirects the popup to `/api/oauth2-redirect`
 * with `state` = the SDK's SSE client id, and `{state, code, error}` is sent to that client on the `@oauth2`
 * topic, once, and only to a client that subscribed to it from the same IP bucket.
 */
import { z } from "zod";
import { ipBucket } from "../auth/rate-limit";
import type { RealtimeClient } from "./client";
import { OAUTH2_TOPIC } from "./topics";

/** Topics a client's own object delivers (not a hub): the subset of a subscription list it keeps. */
export function directTopics(subscriptions: readonly string[]): string[] {
  return subscriptions.includes(OAUTH2_TOPIC) ? [OAUTH2_TOPIC] : [];
}

/** SSE client ids are 40 lower-case letters and digits (routes/realtime.ts); anything else names no client. */
const STATE = /^[a-z0-9]{40}$/;

/** What a provider sends back (query or form); limits keep a hostile redirect small. */
export const oauth2RedirectSchema = z.object({
  state: z.string().max(255).default(""),
  code: z.string().max(4096).default(""),
  error: z.string().max(1000).default(""),
});

/** A parsed redirect. */
export type OAuth2Redirect = z.output<typeof oauth2RedirectSchema>;

/** How a redirect ended: sent with a code, sent carrying the provider's error, or sent nowhere. */
export type RedirectOutcome = "signed-in" | "provider-error" | "invalid";

/**
 * Parses `input` (a query or form object) and sends it to the waiting client. A malformed input or state, an
 * unknown client, one not waiting on `@oauth2`, one connected from another IP, or a second delivery (the
 * subscription is single-use) is "invalid" and sends nothing. An error or a missing code is still sent (the
 * SDK then rejects its promise with it), as PocketBase does.
 */
export async function deliverOAuth2Redirect(
  clients: DurableObjectNamespace<RealtimeClient>,
  input: unknown,
  ip: string | undefined,
): Promise<RedirectOutcome> {
  const parsed = oauth2RedirectSchema.safeParse(input);
  if (!parsed.success || !STATE.test(parsed.data.state)) return "invalid";
  const { state, code, error } = parsed.data;
  const data = error ? { state, code, error } : { state, code };
  const client = clients.get(clients.idFromName(state));
  const sent = await client.sendOnce(OAUTH2_TOPIC, ipBucket(ip) ?? "", data);
  if (!sent) return "invalid";
  return error || !code ? "provider-error" : "signed-in";
}
