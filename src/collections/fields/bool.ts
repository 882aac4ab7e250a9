/** `bool`: true/false, stored as 0/1. */
import { z } from "zod";
import { defineFieldType, fieldBaseShape, requiredShape, requireNonZero } from "./field-type";

const schema = z.object({ ...fieldBaseShape, ...requiredShape, type: z.literal("bool") });

/** A `bool` field definition. */
export type BoolField = z.output<typeof schema>;

const TRUTHY = new Set(["1", "true", "on", "yes"]);

function castBool(value: unknown): unknown {
  if (value === null || value === undefined) return false;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return TRUTHY.has(value.trim().toLowerCase());
  return value;
}

/** The `bool` field type. */
export const boolField = defineFieldType<BoolField>({
  type: "bool",
  schema,
  column: () => "BOOLEAN DEFAULT FALSE NOT NULL",
  isMulti: () => false,
  zeroValue: () => false,
  valueSchema: (f) => requireNonZero(z.preprocess(castBool, z.boolean()), f.required, (v) => !v),
  encode: (v) => (v === true ? 1 : 0),
  decode: (v) => v === 1 || v === "1" || v === true || v === "true",
});
