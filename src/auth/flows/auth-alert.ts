/**
 * Auth alerts (`authAlert`, PocketBase's option): `_authOrigins` remembers where a user signed in from, and a
 * sign-in from a new origin emails the user, except the very first one (nothing to compare it with yet).
 */
import type { AuthCollection } from "../../collections/collection";
import { hmacSha256Hex } from "../../lib/bytes";
import { newId } from "../../lib/ids";
import { authMail } from "./auth-mail";
import type { AuthRow } from "./auth-records";
import type { AuthFlowDeps, ClientInfo } from "./deps";

/** Origins kept per user (the least recently seen are forgotten first). */
export const MAX_AUTH_ORIGINS = 50;
/** Longest user agent taken into the fingerprint and the email. */
const MAX_USER_AGENT = 300;

/** The network an address belongs to: IPv4 /24 or IPv6 /48, so a DHCP renewal is not a new origin. */
export function networkOf(ip: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return `${ip.split(".").slice(0, 3).join(".")}.0/24`;
  if (ip.includes(":")) {
    const [head = ""] = ip.split("::");
    const groups = head.split(":").filter(Boolean);
    while (groups.length < 3) groups.push("0");
    return `${groups.slice(0, 3).join(":").toLowerCase()}::/48`;
  }
  return "unknown";
}

/** The device: the user agent without version numbers, so a browser update is not a new device. */
export function deviceOf(userAgent: string): string {
  return userAgent
    .slice(0, MAX_USER_AGENT)
    .replace(/[\d._]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The stored fingerprint of a client: keyed with the collection secret, so `_authOrigins` holds neither
 * addresses nor user agents.
 */
export function originFingerprint(collection: AuthCollection, client: ClientInfo): Promise<string> {
  return hmacSha256Hex(
    collection.tokenSecret,
    `authOrigin:${networkOf(client.ip)}\n${deviceOf(client.userAgent)}`,
  );
}

/**
 * Records the client's origin for `row` and emails an alert when it is new and not the user's first one.
 * Does nothing while the collection's `authAlert.enabled` is off. Returns whether an alert was sent.
 */
export async function checkAuthOrigin(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  row: AuthRow,
): Promise<boolean> {
  if (!collection.authAlert.enabled) return false;
  const fingerprint = await originFingerprint(collection, deps.client);
  const known = await deps.db
    .prepare(
      "SELECT COUNT(*) AS n, SUM(fingerprint = ?) AS same FROM _authOrigins WHERE collectionRef = ? AND recordRef = ?",
    )
    .bind(fingerprint, collection.id, row.id)
    .first<{ n: number; same: number | null }>();
  if ((known?.same ?? 0) > 0) {
    await deps.db
      .prepare(
        "UPDATE _authOrigins SET updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE collectionRef = ? AND recordRef = ? AND fingerprint = ?",
      )
      .bind(collection.id, row.id, fingerprint)
      .run();
    return false;
  }
  const [inserted] = await deps.db.batch([
    deps.db
      .prepare(
        "INSERT OR IGNORE INTO _authOrigins (id, collectionRef, recordRef, fingerprint) VALUES (?, ?, ?, ?)",
      )
      .bind(newId(), collection.id, row.id, fingerprint),
    deps.db
      .prepare(
        `DELETE FROM _authOrigins WHERE collectionRef = ? AND recordRef = ? AND id NOT IN (
           SELECT id FROM _authOrigins WHERE collectionRef = ? AND recordRef = ? ORDER BY updated DESC LIMIT ?)`,
      )
      .bind(collection.id, row.id, collection.id, row.id, MAX_AUTH_ORIGINS),
  ]);
  // A concurrent sign-in from the same new origin inserted it first: that one sends the alert.
  if (!inserted?.meta.changes || (known?.n ?? 0) === 0) return false;
  const email = String(row.email ?? "");
  if (!deps.mailer || !email) {
    deps.log.warn("auth alert not sent: no mailer or no email address", { collection: collection.name });
    return false;
  }
  const info = `${deps.client.userAgent.slice(0, MAX_USER_AGENT) || "unknown device"}, IP ${deps.client.ip}`;
  await deps.mailer.send(authMail(deps, collection, row, email, { kind: "authAlert", info }));
  return true;
}
