/**
 * Bulk import of records with their ids, timestamps and (auth) password hashes, for `edgebase import
 * pocketbase`: superusers only, values validated per field, upserted by id in one plan per call.
 */
import { z } from "zod";
import { encodeValue, type Field, type SqlValue, validateValue, zeroValueOf } from "../collections/fields";
import { quoteIdent } from "../db/sql";
import { badRequest, type ErrorData, forbidden } from "../lib/errors";
import { parseInput } from "../lib/parse-input";
import { generateTokenKey } from "../lib/secrets";
import { formatTimestamp, parseTimestamp } from "../lib/time";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { readOnly } from "./create";
import { findCollection, type RecordDeps } from "./deps";
import type { ChangeEvent } from "./events";
import { runPlan } from "./plan";
import { decodeRow } from "./record-json";

/** At most this many records per call (the CLI sends chunks of this size). */
export const MAX_IMPORT_RECORDS = 100;

const importInput = z.object({
  records: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_IMPORT_RECORDS),
});

/** What an import call did. */
export interface ImportRecordsResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** Deps of {@link importRecords}: `isPasswordHash` recognizes a stored hash format (injected from auth/). */
export type ImportRecordsDeps = RecordDeps & { isPasswordHash: (value: string) => boolean };

type Row = Map<string, SqlValue>;

/** One record's column values, or its field errors (keyed `<index>.<field>`). */
function rowOf(
  deps: ImportRecordsDeps,
  fields: readonly Field[],
  isAuth: boolean,
  raw: Record<string, unknown>,
  at: number,
  errors: ErrorData,
): Row {
  const row: Row = new Map();
  const fail = (name: string, message: string, code = "validation_invalid_value") => {
    errors[`${at}.${name}`] = { code, message };
  };
  for (const field of fields) {
    const value = raw[field.name];
    const present = Object.hasOwn(raw, field.name) && value !== undefined;
    if (isAuth && field.name === "password") {
      // A hash as the source stored it (bcrypt from PocketBase, PBKDF2 from Edgebase); never plain text.
      if (typeof value !== "string" || !deps.isPasswordHash(value))
        fail("password", "Must be a password hash.");
      else row.set("password", value);
      continue;
    }
    if (isAuth && field.name === "tokenKey") {
      const ok = typeof value === "string" && value.length >= 10 && value.length <= 255;
      if (present && !ok) fail("tokenKey", "Must be a token key (10 to 255 characters).");
      row.set("tokenKey", ok ? value : generateTokenKey());
      continue;
    }
    if (field.type === "autodate") {
      const date = typeof value === "string" && value !== "" ? parseTimestamp(value) : undefined;
      if (present && value !== "" && !date) fail(field.name, "Must be a date.");
      row.set(field.name, formatTimestamp(date ?? new Date()));
      continue;
    }
    if (!present) {
      if (field.name === "id") fail("id", "Cannot be blank.", "validation_required");
      else row.set(field.name, encodeValue(field, zeroValueOf(field)));
      continue;
    }
    const result = validateValue(field, value);
    if (result.ok) row.set(field.name, encodeValue(field, result.value));
    else errors[`${at}.${field.name}`] = result.error;
  }
  return row;
}

function same(a: Row, stored: Record<string, unknown>): boolean {
  for (const [name, value] of a) if ((stored[name] ?? null) !== value) return false;
  return true;
}

/**
 * Upserts `input.records` into collection `idOrName` by id: new ids are inserted, changed records updated,
 * identical ones left alone (so re-running an import changes nothing); an existing auth record keeps its
 * password hash and tokenKey. Rules, relation checks and hooks of
 * client writes do not apply (the source already enforced them; relations may point at records of a later
 * chunk); values are validated per field and unique indexes still hold. Commits through the records plan
 * runner (schema guard, constraint errors as 400s) and emits create/update events, so caches and realtime
 * stay consistent. Superusers only.
 */
export async function importRecords(
  deps: ImportRecordsDeps,
  idOrName: string,
  input: unknown,
): Promise<ImportRecordsResult> {
  if (!deps.ctx.isSuperuser) throw forbidden("Only superusers can import records.");
  const { collection, snapshot } = await findCollection(deps, idOrName);
  if (collection.type === "view") readOnly(collection);
  const { records } = parseInput(importInput, input, { root: "records" });
  const errors: ErrorData = {};
  const isAuth = collection.type === "auth";
  const rows = records.map((raw, i) => rowOf(deps, collection.fields, isAuth, raw, i, errors));
  const ids = rows.map((r) => String(r.get("id") ?? ""));
  if (new Set(ids).size !== ids.length)
    errors.records = { code: "validation_not_unique", message: "Duplicate ids." };
  if (Object.keys(errors).length > 0) throw badRequest("Failed to validate the imported records.", errors);
  if (collection.fields.length > MAX_BOUND_PARAMS)
    throw badRequest("The collection has too many fields to import.");

  const table = quoteIdent(collection.name);
  const placeholders = ids.map(() => "?").join(", ");
  const existing = await deps.db
    .prepare(`SELECT * FROM ${table} WHERE id IN (${placeholders})`)
    .bind(...ids)
    .all<Record<string, unknown>>();
  const stored = new Map(existing.results.map((r) => [String(r.id), r]));
  const names = collection.fields.map((f) => f.name);
  const statements: D1PreparedStatement[] = [];
  const events: ChangeEvent[] = [];
  const result: ImportRecordsResult = { created: 0, updated: 0, unchanged: 0 };
  rows.forEach((row, i) => {
    const old = stored.get(ids[i] as string);
    // An existing account keeps its credentials: a re-run never undoes a re-hash or a password changed since.
    if (old && isAuth) for (const secret of ["password", "tokenKey"]) row.delete(secret);
    const values = names.map((n) => row.get(n) ?? null);
    const record = decodeRow(collection, Object.fromEntries(row));
    if (old && same(row, old)) {
      result.unchanged++;
      return;
    }
    if (old) {
      const sets = names.filter((n) => n !== "id" && row.has(n));
      statements.push(
        deps.db
          .prepare(`UPDATE ${table} SET ${sets.map((n) => `${quoteIdent(n)} = ?`).join(", ")} WHERE id = ?`)
          .bind(...sets.map((n) => row.get(n) ?? null), ids[i]),
      );
      events.push({ action: "update", collection, record, oldRecord: decodeRow(collection, old) });
      result.updated++;
      return;
    }
    statements.push(
      deps.db
        .prepare(
          `INSERT INTO ${table} (${names.map(quoteIdent).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
        )
        .bind(...values),
    );
    events.push({ action: "create", collection, record });
    result.created++;
  });
  if (statements.length === 0) return result;
  await runPlan(deps, {
    collection,
    schemaVersion: snapshot.version,
    statements,
    rejected: () => badRequest("Failed to import the records."),
    finish: async () => ({ status: 200, body: result, events }),
  });
  return result;
}
