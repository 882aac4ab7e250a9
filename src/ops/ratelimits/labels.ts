/**
 * Which settings rule applies to a request, as PocketBase picks it: first the collection tags
 * (`posts:create`, then `*:create`), then `METHOD /path`, `/path`, then the longest matching prefix rule
 * (a label ending in `/`); only rules for the caller's audience ("" or `@guest`/`@auth`) count.
 */
import type { Settings } from "../settings/schema";

/** A rate limit rule from the settings. */
export type RateLimitRule = Settings["rateLimits"]["rules"][number];

const RECORD_ROUTE = /^\/api\/collections\/([^/]+)\/records(?:\/([^/]+))?\/?$/;
const AUTH_ROUTE = /^\/api\/collections\/([^/]+)\/([a-z0-9-]+)\/?$/;

/** Action tags of the auth endpoints (PocketBase's names; auth-with-* are also `auth`). */
const AUTH_TAGS: Record<string, string[]> = {
  "auth-with-password": ["authWithPassword", "auth"],
  "auth-with-otp": ["authWithOTP", "auth"],
  "auth-with-oauth2": ["authWithOAuth2", "auth"],
  "auth-refresh": ["authRefresh"],
  "auth-methods": ["listAuthMethods"],
  "request-otp": ["requestOTP"],
  "request-password-reset": ["requestPasswordReset"],
  "confirm-password-reset": ["confirmPasswordReset"],
  "request-verification": ["requestVerification"],
  "confirm-verification": ["confirmVerification"],
  "request-email-change": ["requestEmailChange"],
  "confirm-email-change": ["confirmEmailChange"],
};

function recordTags(method: string, id: string | undefined): string[] {
  if (id === undefined) return method === "POST" ? ["create"] : method === "GET" ? ["list"] : [];
  if (method === "GET") return ["view"];
  if (method === "PATCH") return ["update"];
  if (method === "DELETE") return ["delete"];
  return [];
}

/** The labels to look a request up by, most specific first. */
export function searchLabels(method: string, path: string): string[] {
  let collection: string | undefined;
  let tags: string[] = [];
  const record = RECORD_ROUTE.exec(path);
  if (record) {
    collection = decodeURIComponent(record[1] ?? "");
    tags = recordTags(method, record[2]);
  } else {
    const auth = AUTH_ROUTE.exec(path);
    if (auth && method === "POST") {
      collection = decodeURIComponent(auth[1] ?? "");
      tags = AUTH_TAGS[auth[2] ?? ""] ?? [];
    } else if (auth && auth[2] === "auth-methods" && method === "GET") {
      collection = decodeURIComponent(auth[1] ?? "");
      tags = AUTH_TAGS["auth-methods"] ?? [];
    }
  }
  const labels = collection === undefined ? [] : tags.map((t) => `${collection}:${t}`);
  labels.push(...tags.map((t) => `*:${t}`));
  labels.push(`${method} ${path}`, path);
  return labels;
}

/** The rule for a request (or undefined): exact labels in order, then the longest prefix rule of the path. */
export function findRule(
  rules: readonly RateLimitRule[],
  labels: readonly string[],
  authenticated: boolean,
): RateLimitRule | undefined {
  const audiences = ["", authenticated ? "@auth" : "@guest"];
  const usable = rules.filter((r) => audiences.includes(r.audience));
  for (const label of labels) {
    const exact = usable.find((r) => r.label === label);
    if (exact) return exact;
  }
  const path = labels.at(-1) ?? "";
  let best: RateLimitRule | undefined;
  for (const r of usable) {
    if (
      r.label.endsWith("/") &&
      `${path}/`.startsWith(r.label) &&
      (!best || r.label.length > best.label.length)
    ) {
      best = r;
    }
  }
  return best;
}
