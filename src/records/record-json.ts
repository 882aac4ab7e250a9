/** Stored rows to API records (decoded, through the one visibility rule), and record ETags. */
import type { Collection } from "../collections/collection";
import { decodeValue } from "../collections/fields";
import { hashEtag } from "../lib/etag";
import type { RuleContext } from "../rules/context";
import { isFieldVisible, isSecretField, type RecordJson, visibilityScope } from "./visibility";

export { hashEtag, hashRenderedEtag, ifMatchSatisfied } from "../lib/etag";
export { isSecretField, type RecordJson } from "./visibility";

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
 * The public JSON of a stored row for the caller in `ctx`, as records/visibility.ts decides it: only the
 * visible fields are decoded (the predicate reads the stored row, so `emailVisibility` is checked as stored).
 */
export function toRecordJson(
  collection: Collection,
  row: Record<string, unknown>,
  ctx: RuleContext,
): RecordJson {
  const scope = visibilityScope(collection);
  const out: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  for (const field of collection.fields) {
    if (isFieldVisible(scope, field.name, row, ctx)) out[field.name] = decodeValue(field, row[field.name]);
  }
  return out as RecordJson;
}

/**
 * The ETag of a stored row as the caller in `ctx` sees it: a hash of exactly what {@link toRecordJson} returns
 * to that caller. Why not the whole row: an unkeyed hash of hidden columns lets anyone brute-force low-entropy
 * hidden values offline. The trade-off: a change only to fields the caller cannot see keeps their ETag, which
 * is harmless for If-Match (PATCH changes only the fields it names, and the caller could not see the others).
 */
export async function etagOf(
  collection: Collection,
  row: Record<string, unknown>,
  ctx: RuleContext,
): Promise<string> {
  return hashEtag(toRecordJson(collection, row, ctx));
}
