/** The one builder of RuleContext (`@request.*`): HTTP requests, batch items, realtime subscribers, auth flows. */
import { SUPERUSERS } from "../collections/names";
import type { AuthRecord, RequestContextName, RuleContext } from "../rules/context";

/** What a RuleContext is made of; everything but `auth` defaults to an empty GET. */
export interface RuleContextParts {
  auth: AuthRecord | null;
  method?: string;
  /** Request headers (converted to PocketBase's naming) or headers already in that naming. */
  headers?: Headers | Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  context?: RequestContextName;
  /** The instant date macros use (default: now). */
  now?: Date;
}

/** PocketBase's header naming for `@request.headers.*`: lower case, `-` turned into `_`. */
export function ruleHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase().replaceAll("-", "_")] = value;
  });
  return out;
}

/** Builds the RuleContext; the caller is a superuser exactly when its record belongs to `_superusers`. */
export function ruleContext(parts: RuleContextParts): RuleContext {
  const source = parts.headers;
  let headers = source instanceof Headers ? undefined : (source ?? {});
  return {
    auth: parts.auth,
    isSuperuser: parts.auth?.collectionName === SUPERUSERS,
    method: (parts.method ?? "GET").toUpperCase(),
    // Converted on first read: most rules never name `@request.headers.*`, and converting every header of
    // every request showed up in the list bench's profile.
    get headers() {
      headers ??= ruleHeaders(source as Headers);
      return headers;
    },
    set headers(value) {
      headers = value;
    },
    query: parts.query ?? {},
    body: parts.body ?? {},
    context: parts.context ?? "default",
    now: parts.now ?? new Date(),
  };
}
