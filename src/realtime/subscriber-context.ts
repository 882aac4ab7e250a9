/** The RuleContext a subscriber's rules and filters are evaluated with (`@request.context = "realtime"`). */
import { SUPERUSERS } from "../collections/names";
import type { AuthRecord, RuleContext } from "../rules/context";

/** A subscriber's context: its auth record and headers; `now` is the moment of the event. */
export function socketContext(auth: AuthRecord | null, headers: Record<string, string>): RuleContext {
  return {
    auth,
    isSuperuser: auth?.collectionName === SUPERUSERS,
    method: "GET",
    headers,
    query: {},
    body: {},
    context: "realtime",
    now: new Date(),
  };
}
