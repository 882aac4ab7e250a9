/** The contract every field type module implements: definition schema, value schema, column DDL, codec. */
import { z } from "zod";

/** A value as SQLite stores it (what D1 binds and returns). */
export type SqlValue = string | number | null;

/** Properties every field definition has, whatever its type (PocketBase v0.23+ shape). */
export interface FieldBase {
  id: string;
  name: string;
  type: string;
  system: boolean;
  hidden: boolean;
  presentable: boolean;
  [option: string]: unknown;
}

/** Longest accepted field or collection name. */
export const MAX_NAME_LENGTH = 100;

/** Longest accepted field help text. */
export const MAX_HELP_LENGTH = 1_000;

/** Zod shape of the properties shared by every field type; each module extends it with its options. */
export const fieldBaseShape = {
  id: z.string().max(100).default(""),
  name: z.string().max(MAX_NAME_LENGTH),
  system: z.boolean().default(false),
  hidden: z.boolean().default(false),
  presentable: z.boolean().default(false),
  // PocketBase's help text shown under the field in the dashboard; kept only when given, so definitions
  // stored before it existed compare equal to themselves.
  help: z.string().max(MAX_HELP_LENGTH).optional(),
};

/** `required` as most types declare it: a zero value ("" / 0 / false / []) is rejected. */
export const requiredShape = { required: z.boolean().default(false) };

/** One field type: everything the schema engine and the records engine need to know about it. */
export interface FieldType<F extends FieldBase = FieldBase> {
  /** The `type` string in field definitions. */
  type: F["type"];
  /** Parses a field definition (common properties and this type's options), filling defaults. */
  schema: z.ZodType<F>;
  /** Column definition after the column name, e.g. `TEXT DEFAULT '' NOT NULL`. */
  column(field: F): string;
  /** True when the field stores a JSON array of values (multi select/relation). */
  isMulti(field: F): boolean;
  /** The value a record has when the field is not set. */
  zeroValue(field: F): unknown;
  /** Normalizes a submitted JSON value (PocketBase's casting) and validates it against the options. */
  valueSchema(field: F): z.ZodType<unknown>;
  /** JSON value to the value bound in SQL. */
  encode(value: unknown, field: F): SqlValue;
  /** Stored SQL value to the JSON value returned by the API. */
  decode(value: unknown, field: F): unknown;
}

/** Declares a field type module (keeps the generic parameter inferred at the definition site). */
export function defineFieldType<F extends FieldBase>(type: FieldType<F>): FieldType<F> {
  return type;
}

/** A zod refinement that fails with `validation_required` on a zero value when the field is required. */
export function requireNonZero<T>(schema: z.ZodType<T>, required: unknown, isZero: (v: T) => boolean) {
  if (required !== true) return schema;
  return schema.refine((v) => !isZero(v), {
    message: "Cannot be blank.",
    params: { code: "validation_required" },
  });
}

/** Casts any JSON value to a string the way PocketBase does (null → "", numbers and booleans printed). */
export function castString(value: unknown): unknown {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length > 0 ? castString(value[value.length - 1]) : "";
  return value;
}

/** Casts to a list of strings: a scalar becomes a one-item list, "" and null become []. */
export function castStringList(value: unknown): unknown {
  if (value === null || value === undefined || value === "") return [];
  if (Array.isArray(value)) return value.map((v) => castString(v));
  if (typeof value === "string" && value.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map((v) => castString(v));
    } catch {
      // Not a JSON list: treat it as a single value.
    }
  }
  return [castString(value)];
}

/** Decodes a stored JSON array column; anything unreadable becomes []. */
export function decodeJsonList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string" || value === "") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
  } catch {
    return [value];
  }
}

/** Stored text as a string ("" for null). */
export function decodeText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** Length in Unicode code points, as PocketBase counts text limits. */
export function runeLength(value: string): number {
  return [...value].length;
}

/** `TEXT DEFAULT '' NOT NULL`: the column every single-valued string field uses. */
export const TEXT_COLUMN = "TEXT DEFAULT '' NOT NULL";
/** `JSON DEFAULT '[]' NOT NULL`: the column of multi-valued fields. */
export const JSON_LIST_COLUMN = "JSON DEFAULT '[]' NOT NULL";

/** A non-negative integer option (limits such as min, max, maxSize). */
export const limit = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Storage of a single-valued string field: a `TEXT` column, "" when unset, stored as is. */
export const textCodec = {
  column: () => TEXT_COLUMN,
  isMulti: () => false,
  zeroValue: () => "",
  encode: (v: unknown) => String(v ?? ""),
  decode: decodeText,
};
