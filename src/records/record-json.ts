/** Stored rows to API records: decoded fields, collectionId/collectionName, hidden fields dropped. */
import type { Collection } from "../collections/collection";
import { decodeValue, type Field } from "../collections/fields";
import { sha256Hex } from "../lib/bytes";
import type { RuleContext } from "../rules/context";

/** A record as the API returns it. */
export type RecordJson = Record<string, unknown> & {
  id: string;
  collectionId: string;
  collectionName: string;
};

/** Fields never returned to anyone, superusers included. */
const SECRET_FIELDS = new Set(["password", "tokenKey"]);

/** True for auth collections' secret fields (password hash, token key). */
export function isSecretField(collection: Collection, field: Field): boolean {
  return collection.type === "auth" && SECRET_FIELDS.has(field.name);
}

/** Every field of a row decoded (secrets excluded): the shape change events and rule checks work with. */
export function decodeRow(collection: Collection, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of collection.fields) {
    if (isSecretField(collection, field)) continue;
    out[field.name] = decodeValue(field, row[field.name]);
  }
  return out;
}

/**
 * The public JSON of a stored row for the caller in `ctx`: hidden fields only for superusers; an auth record's
 * email only when `emailVisibility` is on, the caller is that record, or a superuser.
 */
export function toRecordJson(
  collection: Collection,
  row: Record<string, unknown>,
  ctx: RuleContext,
): RecordJson {
  const out: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  const isOwner = ctx.auth !== null && ctx.auth.collectionId === collection.id && ctx.auth.id === row.id;
  for (const field of collection.fields) {
    if (isSecretField(collection, field)) continue;
    if (field.hidden && !ctx.isSuperuser) continue;
    if (collection.type === "auth" && field.name === "email" && !ctx.isSuperuser && !isOwner) {
      const visible =
        row.emailVisibility === 1 || row.emailVisibility === true || row.emailVisibility === "1";
      if (!visible) continue;
    }
    out[field.name] = decodeValue(field, row[field.name]);
  }
  return out as RecordJson;
}

/** A weak ETag of the stored row: any change to any column gives a new one. */
export async function etagOf(row: Record<string, unknown>): Promise<string> {
  const keys = Object.keys(row).sort();
  const text = JSON.stringify(keys.map((k) => [k, row[k]]));
  return `W/"${(await sha256Hex(text)).slice(0, 24)}"`;
}

/** True when an If-Match header value names `etag` (or is `*`); weak and strong forms compare equal. */
export function ifMatchSatisfied(header: string, etag: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = bare(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === wanted);
}
