/** `select`: one or more values from a fixed list (a JSON array column when maxSelect > 1). */
import { z } from "zod";
import {
  castString,
  castStringList,
  decodeJsonList,
  decodeText,
  defineFieldType,
  fieldBaseShape,
  JSON_LIST_COLUMN,
  requiredShape,
  requireNonZero,
  TEXT_COLUMN,
} from "./field-type";

/** At most this many choices per select field. */
const MAX_VALUES = 1000;

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("select"),
  values: z
    .array(z.string().min(1).max(255))
    .min(1)
    .max(MAX_VALUES)
    .refine((v) => new Set(v).size === v.length, { message: "Values must be unique." }),
  maxSelect: z.number().int().min(0).max(MAX_VALUES).default(1),
});

/** A `select` field definition. */
export type SelectField = z.output<typeof schema>;

const isMulti = (f: SelectField) => f.maxSelect > 1;

/** The `select` field type. */
export const selectField = defineFieldType<SelectField>({
  type: "select",
  schema,
  column: (f) => (isMulti(f) ? JSON_LIST_COLUMN : TEXT_COLUMN),
  isMulti,
  zeroValue: (f) => (isMulti(f) ? [] : ""),
  valueSchema(f) {
    const allowed = new Set(f.values);
    const invalid = { message: "Invalid value.", params: { code: "validation_invalid_value" } };
    if (!isMulti(f)) {
      const single = z.preprocess(castString, z.string()).refine((v) => v === "" || allowed.has(v), invalid);
      return requireNonZero(single, f.required, (v) => v === "");
    }
    const multi = z
      .preprocess(castStringList, z.array(z.string()))
      .transform((v) => [...new Set(v.filter((x) => x !== ""))])
      .refine((v) => v.every((x) => allowed.has(x)), invalid)
      .refine((v) => v.length <= f.maxSelect, {
        message: `Select no more than ${f.maxSelect}.`,
        params: { code: "validation_too_many_values" },
      });
    return requireNonZero(multi, f.required, (v) => v.length === 0);
  },
  encode: (v, f) => (isMulti(f) ? JSON.stringify(v ?? []) : String(v ?? "")),
  decode: (v, f) => (isMulti(f) ? decodeJsonList(v) : decodeText(v)),
});
