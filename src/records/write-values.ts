/** Write bodies to column values: mass-assignment guards, modifiers, `@request.body`, validation, autodates, ids. */
import type { Collection } from "../collections/collection";
import {
  decodeValue,
  encodeValue,
  type Field,
  isMultiValued,
  type SqlValue,
  validateValue,
} from "../collections/fields";
import { badRequest, type ErrorData } from "../lib/errors";
import { newId, randomString } from "../lib/ids";
import { generateTokenKey } from "../lib/secrets";
import { formatTimestamp } from "../lib/time";
import type { RecordDeps } from "./deps";
import { isModifierKey, parseKey } from "./modifiers";
import { isSecretField } from "./record-json";

/** Keys of a returned record that clients commonly send back; they are ignored rather than refused. */
const IGNORED_KEYS = new Set(["collectionId", "collectionName", "expand"]);
/** Auth body keys that are not fields. */
const AUTH_EXTRA_KEYS = new Set(["passwordConfirm", "oldPassword"]);
/** Longest body key accepted (anything longer cannot be a field or modifier). */
const MAX_KEY_LENGTH = 120;

/** A list modifier of a multi-valued field. */
export type ListMode = "prepend" | "append" | "remove";

/**
 * A set column: its encoded value, or an operation on the stored value done atomically in SQL: an increment
 * (`n+` / `n-`) or a list modifier (`tags+`, `+tags`, `tags-`), so concurrent modifiers never conflict.
 */
export type ColumnValue = { value: SqlValue } | { increment: number } | { list: ListMode; items: string[] };

/** What a body asks of each field, before it meets the stored row. */
export interface WriteRequest {
  /** Per field name: the plain value (when sent), the increment, and the list modifiers in order. */
  fields: Map<string, PendingField>;
  /** Field errors found in the keys alone (refused modifiers, a `verified` a non-manager may not set). */
  errors: ErrorData;
  /** A non-manager's `verified` value and a sent `id`: checked against the stored row. */
  readonly: { verified?: unknown; id?: unknown };
  /** True when some key is a modifier (the values then depend on the stored row). */
  modifiers: boolean;
}

interface PendingField {
  field: Field;
  set?: { raw: unknown };
  add: number;
  ops: { mode: ListMode; items: string[] }[];
}

/** The columns a write sets, `@request.body` as rules see it, and the field errors found. */
export interface WriteValues {
  columns: Map<string, ColumnValue>;
  /** Plain-text password to hash (auth collections), when one was submitted. */
  password?: string;
  /**
   * `@request.body` for rules: the submitted keys, with each field the body touches holding the value the write
   * resolves to (modifiers applied, typed by field), so `{"role+": …}` cannot slip past a rule on `role`.
   */
  body: Record<string, unknown>;
  /** The encoded value each written field resolves to against the row the values were computed from. */
  resolved: Map<string, SqlValue>;
  /** True when a column's value was computed in JS from the stored row (so it needs that row's version). */
  fromCurrent: boolean;
  errors: ErrorData;
}

function fail(errors: ErrorData): never {
  throw badRequest("Failed to validate the submitted data.", errors);
}

/** Throws the 400 of a write's field errors, if any. */
export function assertValid(values: Pick<WriteValues, "errors">): void {
  if (Object.keys(values.errors).length > 0) fail(values.errors);
}

/**
 * Reads a create or update body's keys: unknown keys, autodate fields, hidden fields and tokenKey
 * (non-superusers) are ignored as PocketBase does; modifiers on fields that take none are refused;
 * `manager` (the auth collection's manageRule matched) may change `verified`. Nothing here reads the stored row.
 */
export function collectWrites(
  deps: Pick<RecordDeps, "ctx">,
  collection: Collection,
  body: Record<string, unknown>,
  creating: boolean,
  manager = false,
): WriteRequest {
  const request: WriteRequest = { fields: new Map(), errors: {}, readonly: {}, modifiers: false };
  const { errors } = request;
  const isAuth = collection.type === "auth";
  const superuser = deps.ctx.isSuperuser;
  for (const [key, raw] of Object.entries(body)) {
    if (IGNORED_KEYS.has(key) || (isAuth && AUTH_EXTRA_KEYS.has(key))) continue;
    const target = key.length <= MAX_KEY_LENGTH ? parseKey(collection, key) : undefined;
    // Keys naming no field are ignored, as PocketBase does (apps send records back with UI properties). A key
    // that a newer schema knows is not lost: the batch's schema guard re-plans a write from a stale snapshot.
    if (!target) continue;
    if (!("field" in target)) {
      errors[key] = target;
      continue;
    }
    const { field, mode } = target;
    if (field.type === "autodate") continue;
    if (field.name === "id" && !creating) {
      request.readonly.id = raw;
      continue;
    }
    // Hidden fields (and tokenKey) sent by non-superusers are dropped, as PocketBase does: a client cannot
    // tell them from unknown keys, so refusing them would only reveal that they exist.
    if (isAuth && field.name === "tokenKey" && !superuser) continue;
    if (field.hidden && !superuser && !(isAuth && field.name === "password")) continue;
    if (isAuth && field.name === "verified" && !superuser && !manager) {
      if (creating) checkVerified(raw, false, errors);
      else request.readonly.verified = raw;
      continue;
    }
    const pending = request.fields.get(field.name) ?? { field, add: 0, ops: [] };
    request.fields.set(field.name, pending);
    if (mode === "set") {
      pending.set = { raw };
      continue;
    }
    request.modifiers = true;
    if (mode === "add" || mode === "subtract") {
      const n = typeof raw === "number" ? raw : Number(raw);
      if (!Number.isFinite(n) || raw === "" || raw === null) {
        errors[key] = { code: "validation_invalid_number", message: "Must be a number." };
        continue;
      }
      pending.add += mode === "add" ? n : -n;
      continue;
    }
    pending.ops.push({ mode, items: (Array.isArray(raw) ? raw : [raw]).map(String) });
  }
  return request;
}

/** The one list modifier a field's value can apply atomically (several modes need the stored list: JS). */
function atomicList(pending: PendingField): { list: ListMode; items: string[] } | undefined {
  const [first] = pending.ops;
  if (!first || pending.set || pending.ops.some((op) => op.mode !== first.mode)) return undefined;
  return { list: first.mode, items: [...new Set(pending.ops.flatMap((op) => op.items))] };
}

/**
 * Resolves a collected write against `current` (the stored row; undefined on create, when every field is
 * filled): modifiers applied, each value validated ONCE, `@request.body` built from the results. On update, a
 * lone increment or list modifier becomes an atomic SQL column; its resolved value still feeds rules.
 * Errors are returned, not thrown, so an update can check its rule (404) before answering 400.
 */
export function resolveWrites(
  collection: Collection,
  body: Record<string, unknown>,
  request: WriteRequest,
  current: Record<string, unknown> | undefined,
  creating: boolean,
): WriteValues {
  const errors: ErrorData = { ...request.errors };
  const isAuth = collection.type === "auth";
  const columns = new Map<string, ColumnValue>();
  const resolved = new Map<string, SqlValue>();
  const typedBody: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body))
    if (!isModifierKey(collection, key)) typedBody[key] = value;
  let password: string | undefined;
  let fromCurrent = false;
  const stored = (f: Field) => decodeValue(f, current?.[f.name]);
  for (const field of collection.fields) {
    if (field.type === "autodate") continue;
    const pending = request.fields.get(field.name);
    if (!creating && !pending) continue;
    if (isAuth && field.name === "password") {
      const result = checkPassword(field, body, creating);
      if ("error" in result) Object.assign(errors, result.error);
      else password = result.password;
      continue;
    }
    if (isSecretField(collection, field)) continue;
    let value: unknown = pending?.set ? pending.set.raw : creating ? undefined : stored(field);
    for (const op of pending?.ops ?? []) value = applyModifier(op.mode, value, op.items);
    if (pending && pending.add !== 0) value = Number(value ?? 0) + pending.add;
    if (
      creating &&
      field.type === "text" &&
      field.autogeneratePattern &&
      (value === undefined || value === "")
    ) {
      value = generateFromPattern(field.autogeneratePattern) ?? (field.name === "id" ? newId() : value);
    }
    const result = validateValue(field, value);
    if (!result.ok) {
      errors[field.name] = result.error;
      continue;
    }
    if (pending) typedBody[field.name] = result.value;
    const encoded = encodeValue(field, result.value);
    resolved.set(field.name, encoded);
    const list = !creating && pending && isMultiValued(field) ? atomicList(pending) : undefined;
    if (!creating && pending && !pending.set && pending.ops.length === 0 && pending.add !== 0) {
      columns.set(field.name, { increment: pending.add });
    } else if (list) {
      columns.set(field.name, list);
    } else {
      columns.set(field.name, { value: encoded });
      if (!creating && pending && !pending.set) fromCurrent = true;
    }
  }
  if (Object.keys(errors).length === 0) checkRowSize(resolved, current, errors);
  return { columns, password, body: typedBody, resolved, fromCurrent, errors };
}

/** The deps with `@request.body` set to a write's resolved body. */
export function withRequestBody<D extends Pick<RecordDeps, "ctx">>(
  deps: D,
  body: Record<string, unknown>,
): D {
  return { ...deps, ctx: { ...deps.ctx, body } };
}

/** Checks the readonly values a non-manager sent (`id`, `verified`) against the stored row. */
export function checkReadonly(
  collection: Collection,
  request: WriteRequest,
  current: Record<string, unknown>,
  errors: ErrorData,
): void {
  const { id, verified } = request.readonly;
  if (id !== undefined && id !== current.id) {
    errors.id = { code: "validation_readonly", message: "The id cannot be changed." };
  }
  const field = collection.fields.find((f) => f.name === "verified");
  if (verified !== undefined && field) checkVerified(verified, decodeValue(field, current.verified), errors);
}

/** A non-manager may send `verified` only with its stored value. */
function checkVerified(sent: unknown, stored: unknown, errors: ErrorData): void {
  if (Boolean(sent) !== stored && sent !== String(stored)) {
    errors.verified = { code: "validation_readonly", message: "Only superusers can change this field." };
  }
}

/**
 * Validates a create (`current` undefined) or update body against the collection in one step, throwing the
 * 400 of any field error (see {@link collectWrites} and {@link resolveWrites}).
 */
export function prepareValues(
  deps: Pick<RecordDeps, "ctx">,
  collection: Collection,
  body: Record<string, unknown>,
  current?: Record<string, unknown>,
  manager = false,
): WriteValues {
  const creating = current === undefined;
  const request = collectWrites(deps, collection, body, creating, manager);
  const values = resolveWrites(collection, body, request, current, creating);
  if (current) checkReadonly(collection, request, current, values.errors);
  assertValid(values);
  return values;
}

/** D1 refuses rows over 2 MB (the local runtime does not): keep a margin for the columns we add. */
export const MAX_ROW_BYTES = 1_900_000;

/** Adds the row-size error when the written values with the rest of `current` exceed {@link MAX_ROW_BYTES}. */
export function checkRowSize(
  columns: Map<string, SqlValue>,
  current: Record<string, unknown> | undefined,
  errors: ErrorData,
): void {
  const bytes = (v: unknown) => (typeof v === "string" ? new TextEncoder().encode(v).length : 8);
  let total = 0;
  let largest: [string, number] = ["", -1];
  for (const [name, column] of columns) {
    const size = bytes(column);
    total += size;
    if (size > largest[1]) largest = [name, size];
  }
  for (const [name, value] of Object.entries(current ?? {})) if (!columns.has(name)) total += bytes(value);
  if (total > MAX_ROW_BYTES) {
    errors[largest[0]] = {
      code: "validation_max_size",
      message: `The record may hold at most ${MAX_ROW_BYTES} bytes.`,
    };
  }
}

function applyModifier(mode: ListMode, prior: unknown, items: string[]): unknown {
  const list = Array.isArray(prior) ? prior.map(String) : prior ? [String(prior)] : [];
  if (mode === "prepend") return [...items, ...list];
  if (mode === "append") return [...list, ...items];
  return list.filter((v) => !items.includes(v));
}

function checkPassword(
  field: Field,
  body: Record<string, unknown>,
  creating: boolean,
): { password?: string } | { error: ErrorData } {
  const raw = body.password;
  if (raw === undefined || raw === "") {
    if (creating)
      return { error: { password: { code: "validation_required", message: "Cannot be blank." } } };
    return {};
  }
  // Blank was handled above; the field itself is passed so its compiled schema is reused.
  const result = validateValue(field, raw);
  if (!result.ok) return { error: { password: result.error } };
  if (body.passwordConfirm !== raw) {
    return {
      error: { passwordConfirm: { code: "validation_values_mismatch", message: "Values don't match." } },
    };
  }
  return { password: String(result.value) };
}

/** Fills server-set columns: autodates, and the token key of auth records when created or re-keyed. */
export function addServerColumns(
  collection: Collection,
  columns: Map<string, ColumnValue>,
  creating: boolean,
  rekey: boolean,
): void {
  const now = formatTimestamp();
  for (const field of collection.fields) {
    if (field.type === "autodate" && ((creating && field.onCreate) || (!creating && field.onUpdate))) {
      columns.set(field.name, { value: now });
    }
  }
  if (collection.type === "auth" && (creating || rekey))
    columns.set("tokenKey", { value: generateTokenKey() });
}

const SIMPLE_PATTERN = /^\[([^\]]+)\]\{(\d{1,3})\}$/;

/** Generates a value for the simple `[a-z0-9]{15}` patterns PocketBase uses; other patterns are left alone. */
function generateFromPattern(pattern: string): string | undefined {
  const match = SIMPLE_PATTERN.exec(pattern);
  if (!match) return undefined;
  let alphabet = "";
  const set = match[1] as string;
  for (let i = 0; i < set.length; i++) {
    if (set[i + 1] === "-" && i + 2 < set.length) {
      const from = set.charCodeAt(i);
      const to = set.charCodeAt(i + 2);
      for (let c = from; c <= to; c++) alphabet += String.fromCharCode(c);
      i += 2;
    } else alphabet += set[i];
  }
  return alphabet ? randomString(Number(match[2]), alphabet) : undefined;
}
