/** `json`: any JSON value up to a size limit; stored as JSON text, NULL when unset. */
import { z } from "zod";
import { defineFieldType, fieldBaseShape, limit, requiredShape, requireNonZero } from "./field-type";

/** Default and largest serialized size in bytes (D1 rows are capped at 2 MB). */
export const MAX_JSON_SIZE = 1_000_000;

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("json"),
  maxSize: limit.max(MAX_JSON_SIZE).default(0),
});

/** A `json` field definition. */
export type JsonField = z.output<typeof schema>;

const isZero = (v: unknown) =>
  v === null ||
  v === "" ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === "object" && v !== null && Object.keys(v).length === 0);

/** The `json` field type. */
export const jsonField = defineFieldType<JsonField>({
  type: "json",
  schema,
  column: () => "JSON DEFAULT NULL",
  isMulti: () => false,
  zeroValue: () => null,
  valueSchema(f) {
    const max = f.maxSize > 0 ? f.maxSize : MAX_JSON_SIZE;
    const base = z
      .unknown()
      .transform((v) => (v === undefined ? null : v))
      .refine((v) => new TextEncoder().encode(JSON.stringify(v)).length <= max, {
        message: `Must be less than ${max} bytes.`,
        params: { code: "validation_json_size_limit" },
      });
    return requireNonZero(base, f.required, isZero);
  },
  encode: (v) => (v === null || v === undefined ? null : JSON.stringify(v)),
  decode(v) {
    if (v === null || v === undefined) return null;
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  },
});
