/** Naming rules for collections and fields. */

/** The system auth collection whose records are superusers (they bypass every rule). */
export const SUPERUSERS = "_superusers";

/**
 * PocketBase's system collections, which an export of a PocketBase app carries. Edgebase has `_superusers`,
 * `_externalAuths` and `_mfas` as collections with PocketBase's ids; `_otps` and `_authOrigins` are internal
 * tables here, so a collection import leaves their definitions out.
 */
export const POCKETBASE_SYSTEM_COLLECTIONS = new Set([
  SUPERUSERS,
  "_externalAuths",
  "_mfas",
  "_otps",
  "_authOrigins",
]);

/** Collection and field names: a letter or underscore, then letters, digits and underscores. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Field names the API uses for itself in record JSON and request bodies. */
export const RESERVED_FIELD_NAMES = new Set(["expand", "collectionid", "collectionname"]);
/** Extra names auth collections reserve for request bodies. */
export const RESERVED_AUTH_FIELD_NAMES = new Set(["passwordconfirm", "oldpassword"]);

/** Tables SQLite and D1 keep for themselves. */
const PLATFORM_TABLES = new Set(["d1_migrations"]);

/** True when a non-system collection may not use `name` (a leading `_` marks system collections). */
export function isReservedCollectionName(name: string): boolean {
  const lower = name.toLowerCase();
  return name.startsWith("_") || lower.startsWith("sqlite_") || PLATFORM_TABLES.has(lower);
}

/** True when a user-defined field may not use `name`. */
export function isReservedFieldName(name: string, collectionType: string): boolean {
  const lower = name.toLowerCase();
  if (name.startsWith("_") || RESERVED_FIELD_NAMES.has(lower)) return true;
  return collectionType === "auth" && RESERVED_AUTH_FIELD_NAMES.has(lower);
}
