/** `select`: one or more values from a fixed list (a JSON array column when maxSelect > 1). */
import { z } from "zod";
import { choiceCodec, choiceValueSchema } from "./choice";
import { defineFieldType, fieldBaseShape, requiredShape } from "./field-type";

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

/** The `select` field type. */
export const selectField = defineFieldType<SelectField>({
  type: "select",
  schema,
  ...choiceCodec,
  valueSchema(f) {
    const allowed = new Set(f.values);
    return choiceValueSchema(f, (v) => allowed.has(v), {
      message: "Invalid value.",
      params: { code: "validation_invalid_value" },
    });
  },
});
