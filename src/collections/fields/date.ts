/** `date`: a UTC datetime stored in PocketBase's text format, with optional bounds. */
import { z } from "zod";
import { formatTimestamp, parseTimestamp } from "../../lib/time";
import { defineFieldType, fieldBaseShape, requiredShape, requireNonZero, textCodec } from "./field-type";

/** A date bound option: "" (none) or any parseable datetime, normalized to PocketBase's format. */
const dateOption = z
  .string()
  .max(64)
  .refine((v) => v === "" || parseTimestamp(v) !== undefined, { message: "Invalid date." })
  .transform((v) => (v === "" ? "" : formatTimestamp(parseTimestamp(v) as Date)));

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("date"),
  min: dateOption.default(""),
  max: dateOption.default(""),
});

/** A `date` field definition. */
export type DateField = z.output<typeof schema>;

/** Casts a submitted date (string, epoch millis or null) to PocketBase's format; invalid input stays as is. */
export function castDate(value: unknown): unknown {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "number") return formatTimestamp(new Date(value));
  if (typeof value === "string") {
    const d = parseTimestamp(value.trim());
    return d ? formatTimestamp(d) : value;
  }
  return value;
}

/** A zod schema for a normalized date string ("" or `YYYY-MM-DD HH:MM:SS.sssZ`). */
export const dateValue = z.preprocess(
  castDate,
  z.string().refine((v) => v === "" || parseTimestamp(v) !== undefined, {
    message: "Must be a valid date.",
    params: { code: "validation_invalid_date" },
  }),
);

/** The `date` field type. */
export const dateField = defineFieldType<DateField>({
  type: "date",
  schema,
  ...textCodec,
  valueSchema(f) {
    const base = dateValue
      .refine((v) => f.min === "" || v === "" || v >= f.min, {
        message: `Must be after ${f.min}.`,
        params: { code: "validation_min_date_constraint" },
      })
      .refine((v) => f.max === "" || v === "" || v <= f.max, {
        message: `Must be before ${f.max}.`,
        params: { code: "validation_max_date_constraint" },
      });
    return requireNonZero(base, f.required, (v) => v === "");
  },
});
