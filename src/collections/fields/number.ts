/** `number`: a finite number with optional bounds and an integer-only switch. */
import { z } from "zod";
import { defineFieldType, fieldBaseShape, requiredShape, requireNonZero } from "./field-type";

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("number"),
  min: z.number().nullable().default(null),
  max: z.number().nullable().default(null),
  onlyInt: z.boolean().default(false),
});

/** A `number` field definition. */
export type NumberField = z.output<typeof schema>;

function castNumber(value: unknown): unknown {
  if (value === null || value === undefined || value === "") return 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const n = Number(value.trim());
    return Number.isNaN(n) ? value : n;
  }
  return value;
}

/** The `number` field type. */
export const numberField = defineFieldType<NumberField>({
  type: "number",
  schema,
  column: () => "NUMERIC DEFAULT 0 NOT NULL",
  isMulti: () => false,
  zeroValue: () => 0,
  valueSchema(f) {
    const base = z
      .preprocess(castNumber, z.number().finite())
      .refine((v) => !f.onlyInt || Number.isInteger(v), {
        message: "Decimal numbers are not allowed.",
        params: { code: "validation_not_an_integer" },
      })
      .refine((v) => f.min === null || v >= f.min, {
        message: `Must be larger than ${f.min}.`,
        params: { code: "validation_min_number_constraint" },
      })
      .refine((v) => f.max === null || v <= f.max, {
        message: `Must be less than ${f.max}.`,
        params: { code: "validation_max_number_constraint" },
      });
    return requireNonZero(base, f.required, (v) => v === 0);
  },
  encode: (v) => (typeof v === "number" ? v : 0),
  decode: (v) => {
    const n = typeof v === "number" ? v : Number(v ?? 0);
    return Number.isFinite(n) ? n : 0;
  },
});
