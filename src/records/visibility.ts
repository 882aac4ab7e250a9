/**
 * The one visibility rule: which fields of a record a caller may receive. REST rendering, expand, the ETag,
 * realtime payloads (and later GraphQL, webhooks, OpenAPI examples) all render through `visibleRecord`.
 */
import type { Collection } from "../collections/collection";
import type { RuleContext } from "../rules/context";

/** The parts of a collection visibility depends on (a full Collection, or realtime's HubCollection, fits). */
export interface VisibilityScope {
  id: string;
  name: string;
  type: Collection["type"];
  /** Names of hidden fields: returned to superusers only. */
  hidden: readonly string[];
}

/** A record as the API returns it. */
export type RecordJson = Record<string, unknown> & {
  id: string;
  collectionId: string;
  collectionName: string;
};

/** Fields of auth collections never returned to anyone, superusers included. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["password", "tokenKey"]);

const scopes = new WeakMap<Collection, VisibilityScope>();

/** The visibility scope of a collection definition (computed once per definition object). */
export function visibilityScope(collection: Collection): VisibilityScope {
  let scope = scopes.get(collection);
  if (!scope) {
    const hidden = collection.fields.filter((f) => f.hidden).map((f) => f.name);
    scope = { id: collection.id, name: collection.name, type: collection.type, hidden };
    scopes.set(collection, scope);
  }
  return scope;
}

/** True for an auth collection's secret fields (password hash, token key): never leave the server. */
export function isSecretField(
  collection: Pick<VisibilityScope, "type">,
  field: string | { readonly name: string },
): boolean {
  return collection.type === "auth" && SECRET_FIELDS.has(typeof field === "string" ? field : field.name);
}

/** True when `record`'s emailVisibility is on, in its stored (1, "1") or decoded (true) form. */
function emailVisibilityOn(record: Record<string, unknown>): boolean {
  const v = record.emailVisibility;
  return v === true || v === 1 || v === "1";
}

/**
 * True when the caller in `ctx` may see an auth record's email: superusers, the record itself, or anyone when
 * its emailVisibility is on. Always true for other collection types (they have no private email).
 */
export function emailVisibleTo(
  collection: Pick<VisibilityScope, "id" | "type">,
  record: Record<string, unknown>,
  ctx: RuleContext,
): boolean {
  if (collection.type !== "auth" || ctx.isSuperuser) return true;
  const isOwner = ctx.auth !== null && ctx.auth.collectionId === collection.id && ctx.auth.id === record.id;
  return isOwner || emailVisibilityOn(record);
}

/**
 * True when field `name` of `record` may be returned to the caller in `ctx`: never a secret field, hidden
 * fields to superusers only, an auth record's email only as {@link emailVisibleTo} says.
 */
export function isFieldVisible(
  collection: VisibilityScope,
  name: string,
  record: Record<string, unknown>,
  ctx: RuleContext,
): boolean {
  if (isSecretField(collection, name)) return false;
  if (!ctx.isSuperuser && collection.hidden.includes(name)) return false;
  if (collection.type === "auth" && name === "email") return emailVisibleTo(collection, record, ctx);
  return true;
}

/**
 * What the caller in `ctx` receives of `record` (its decoded fields; stored rows go through records'
 * toRecordJson, which decodes first): `collectionId`, `collectionName`, then every visible field in order.
 * Realtime evaluates subscription filters on this result, so a filter can never read what the payload hides.
 */
export function visibleRecord(
  collection: VisibilityScope,
  record: Record<string, unknown>,
  ctx: RuleContext,
): RecordJson {
  const out: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  for (const [name, value] of Object.entries(record)) {
    if (name === "collectionId" || name === "collectionName") continue;
    if (isFieldVisible(collection, name, record, ctx)) out[name] = value;
  }
  return out as RecordJson;
}
