/** Write bodies to column values: mass-assignment guards, modifiers, validation, autodates, ids, passwords. */
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
import { isSecretField } from "./record-json";

/** Keys of a returned record that clients commonly send back; they are ignored rather than refused. */
const IGNORED_KEYS = new Set(["collectionId", "collectionName", "expand"]);
/** Auth body keys that are not fields. */
const AUTH_EXTRA_KEYS = new Set(["passwordConfirm", "oldPassword"]);
/** Longest body key accepted (anything longer cannot be a field or modifier). */
const MAX_KEY_LENGTH = 120;

/** A set column: its encoded value, or an SQL increment of the current value (`n+` / `n-`). */
export type ColumnValue = { value: SqlValue } | { increment: number };

/** The columns a write sets, and the decoded record the write produces (for rules' would-be row and events). */
export interface WriteValues {
  columns: Map<string, ColumnValue>;
  /** Plain-text password to hash (auth collections), when one was submitted. */
  password?: string;
}

/** What a body key means: the field and how the value applies. */
interface Target {
  field: Field;
  mode: "set" | "prepend" | "append" | "remove" | "add" | "subtract";
}

function parseKey(collection: Collection, key: string): Target | undefined {
  const find = (name: string) => collection.fields.find((f) => f.name === name);
  const exact = find(key);
  if (exact) return { field: exact, mode: "set" };
  if (key.startsWith("+")) {
    const field = find(key.slice(1));
    return field && isMultiValued(field) ? { field, mode: "prepend" } : undefined;
  }
  const base = find(key.slice(0, -1));
  if (!base) return undefined;
  if (key.endsWith("+")) return { field: base, mode: base.type === "number" ? "add" : "append" };
  if (key.endsWith("-")) return { field: base, mode: base.type === "number" ? "subtract" : "remove" };
  return undefined;
}

function fail(errors: ErrorData): never {
  throw badRequest("Failed to validate the submitted data.", errors);
}

/**
 * Validates a create (`current` undefined) or update body against the collection. Unknown keys, system and
 * autodate fields, hidden fields (non-superusers) and secrets are refused or ignored as PocketBase does;
 * `manager` (the caller passes the auth collection's manageRule for this record) may change `verified`;
 * modifiers apply to `current`. Every error names its field.
 */
export function prepareValues(
  deps: RecordDeps,
  collection: Collection,
  body: Record<string, unknown>,
  current?: Record<string, unknown>,
  manager = false,
): WriteValues {
  const errors: ErrorData = {};
  const isAuth = collection.type === "auth";
  const superuser = deps.ctx.isSuperuser;
  const submitted = new Map<string, { field: Field; value: unknown }>();
  const increments = new Map<string, number>();
  const decodedCurrent = (f: Field) =>
    current ? decodeValue(f, current[f.name]) : decodeValue(f, undefined);

  for (const [key, raw] of Object.entries(body)) {
    if (IGNORED_KEYS.has(key) || (isAuth && AUTH_EXTRA_KEYS.has(key))) continue;
    const target = key.length <= MAX_KEY_LENGTH ? parseKey(collection, key) : undefined;
    if (!target) {
      errors[key.slice(0, MAX_KEY_LENGTH)] = { code: "validation_unknown_field", message: "Unknown field." };
      continue;
    }
    const { field, mode } = target;
    if (field.type === "autodate") continue;
    if (field.name === "id") {
      if (current && raw !== current.id)
        errors.id = { code: "validation_readonly", message: "The id cannot be changed." };
      if (current) continue;
    }
    if (isAuth && field.name === "tokenKey" && !superuser) {
      errors.tokenKey = { code: "validation_readonly", message: "Cannot be set." };
      continue;
    }
    if (field.hidden && !superuser && !(isAuth && field.name === "password")) {
      errors[field.name] = {
        code: "validation_hidden_field",
        message: "Only superusers can set this field.",
      };
      continue;
    }
    if (isAuth && field.name === "verified" && !superuser && !manager) {
      const now = current ? decodedCurrent(field) : false;
      if (Boolean(raw) !== now && raw !== String(now)) {
        errors.verified = { code: "validation_readonly", message: "Only superusers can change this field." };
      }
      continue;
    }
    if (mode === "add" || mode === "subtract") {
      const n = typeof raw === "number" ? raw : Number(raw);
      if (!Number.isFinite(n)) {
        errors[key] = { code: "validation_invalid_number", message: "Must be a number." };
        continue;
      }
      increments.set(field.name, (increments.get(field.name) ?? 0) + (mode === "add" ? n : -n));
      continue;
    }
    const prior = submitted.get(field.name)?.value ?? decodedCurrent(field);
    submitted.set(field.name, { field, value: applyModifier(mode, prior, raw) });
  }

  const columns = new Map<string, ColumnValue>();
  let password: string | undefined;
  for (const field of collection.fields) {
    if (field.type === "autodate") continue;
    const entry = submitted.get(field.name);
    const increment = increments.get(field.name);
    if (current && !entry && increment === undefined) continue;
    if (isAuth && field.name === "password") {
      const result = checkPassword(field, body, current === undefined);
      if ("error" in result) Object.assign(errors, result.error);
      else password = result.password;
      continue;
    }
    if (isSecretField(collection, field)) continue;
    let value = entry ? entry.value : current ? decodedCurrent(field) : undefined;
    if (increment !== undefined) {
      const base = entry ? Number(entry.value) : Number(decodedCurrent(field));
      value = base + increment;
    }
    if (
      !current &&
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
    if (increment !== undefined && !entry && current) columns.set(field.name, { increment });
    else columns.set(field.name, { value: encodeValue(field, result.value) });
  }
  if (Object.keys(errors).length === 0) checkRowSize(columns, current, errors);
  if (Object.keys(errors).length > 0) fail(errors);
  return { columns, password };
}

/**
 * The deps with `@request.body` typed as PocketBase types it: values of known fields cast by their field type
 * (a form's "7" for a number field is 7), so rules compare numbers with numbers whatever the body encoding.
 */
export function withTypedBody(
  deps: RecordDeps,
  collection: Collection,
  body: Record<string, unknown>,
): RecordDeps {
  const typed: Record<string, unknown> = { ...body };
  for (const field of collection.fields) {
    if (!Object.hasOwn(body, field.name) || field.type === "password") continue;
    const result = validateValue({ ...field, required: false } as Field, body[field.name]);
    if (result.ok) typed[field.name] = result.value;
  }
  return { ...deps, ctx: { ...deps.ctx, body: typed } };
}

/** D1 refuses rows over 2 MB (the local runtime does not): keep a margin for the columns we add. */
export const MAX_ROW_BYTES = 1_900_000;

function checkRowSize(
  columns: Map<string, ColumnValue>,
  current: Record<string, unknown> | undefined,
  errors: ErrorData,
): void {
  const bytes = (v: unknown) => (typeof v === "string" ? new TextEncoder().encode(v).length : 8);
  let total = 0;
  let largest: [string, number] = ["", -1];
  for (const [name, column] of columns) {
    const size = "value" in column ? bytes(column.value) : 8;
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

function applyModifier(mode: Target["mode"], prior: unknown, raw: unknown): unknown {
  if (mode === "set") return raw;
  const list = Array.isArray(prior) ? prior.map(String) : prior ? [String(prior)] : [];
  const items = (Array.isArray(raw) ? raw : [raw]).map(String);
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
  const result = validateValue({ ...field, required: true } as Field, raw);
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
