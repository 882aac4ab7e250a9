/** Maps collections to and from `_collections` rows (fields, indexes and type options as JSON text). */
import type { AuthCollection, Collection } from "./collection";
import type { Field } from "./fields";
import { defaultOAuth2Options } from "./oauth2-options";

/** A `_collections` row as D1 returns it. */
export interface CollectionRow {
  id: string;
  name: string;
  type: string;
  system: number;
  fields: string;
  indexes: string;
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  options: string;
  created: string;
  updated: string;
}

/** Columns written from a collection, in a fixed order (see {@link collectionRowValues}). */
export const ROW_COLUMNS = [
  "id",
  "name",
  "type",
  "system",
  "fields",
  "indexes",
  "listRule",
  "viewRule",
  "createRule",
  "updateRule",
  "deleteRule",
  "options",
  "created",
  "updated",
] as const;

/** Reads a stored row (already validated when it was written). */
export function rowToCollection(row: CollectionRow): Collection {
  const options = JSON.parse(row.options || "{}") as Record<string, unknown>;
  if (row.type === "auth") {
    // Rows written before an option existed read as its default.
    if (options.oauth2 === undefined) options.oauth2 = defaultOAuth2Options();
    if (options.totp === undefined) options.totp = { standalone: false };
  }
  return {
    ...options,
    id: row.id,
    name: row.name,
    type: row.type,
    system: row.system === 1,
    fields: JSON.parse(row.fields || "[]") as Field[],
    indexes: JSON.parse(row.indexes || "[]") as string[],
    listRule: row.listRule,
    viewRule: row.viewRule,
    createRule: row.createRule,
    updateRule: row.updateRule,
    deleteRule: row.deleteRule,
    created: row.created,
    updated: row.updated,
  } as Collection;
}

/** The type-specific options stored in the `options` column (the auth token secret included). */
export function optionsOf(c: Collection): Record<string, unknown> {
  if (c.type === "view") return { viewQuery: c.viewQuery };
  if (c.type === "base") return {};
  const a: AuthCollection = c;
  return {
    authRule: a.authRule,
    manageRule: a.manageRule,
    authAlert: a.authAlert,
    verificationTemplate: a.verificationTemplate,
    resetPasswordTemplate: a.resetPasswordTemplate,
    confirmEmailChangeTemplate: a.confirmEmailChangeTemplate,
    authToken: a.authToken,
    passwordResetToken: a.passwordResetToken,
    emailChangeToken: a.emailChangeToken,
    verificationToken: a.verificationToken,
    fileToken: a.fileToken,
    passwordAuth: a.passwordAuth,
    otp: a.otp,
    mfa: a.mfa,
    totp: a.totp,
    oauth2: a.oauth2,
    tokenSecret: a.tokenSecret,
  };
}

/** Bound values for {@link ROW_COLUMNS}. */
export function collectionRowValues(c: Collection): (string | number | null)[] {
  return [
    c.id,
    c.name,
    c.type,
    c.system ? 1 : 0,
    JSON.stringify(c.fields),
    JSON.stringify(c.indexes),
    c.listRule,
    c.viewRule,
    c.createRule,
    c.updateRule,
    c.deleteRule,
    JSON.stringify(optionsOf(c)),
    c.created,
    c.updated,
  ];
}
