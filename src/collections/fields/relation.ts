/** `relation`: ids of records in another collection (a JSON array column when maxSelect > 1). */
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

/** At most this many related ids per record. */
export const MAX_RELATIONS = 1000;

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("relation"),
  collectionId: z.string().min(1).max(100),
  cascadeDelete: z.boolean().default(false),
  minSelect: z.number().int().min(0).max(MAX_RELATIONS).default(0),
  maxSelect: z.number().int().min(0).max(MAX_RELATIONS).default(1),
});

/** A `relation` field definition. */
export type RelationField = z.output<typeof schema>;

const isMulti = (f: RelationField) => f.maxSelect > 1;
const RECORD_ID = /^[A-Za-z0-9_-]{1,255}$/;
const invalidId = { message: "Invalid record id.", params: { code: "validation_invalid_value" } };

/** The `relation` field type; the records engine checks that the ids exist. */
export const relationField = defineFieldType<RelationField>({
  type: "relation",
  schema,
  column: (f) => (isMulti(f) ? JSON_LIST_COLUMN : TEXT_COLUMN),
  isMulti,
  zeroValue: (f) => (isMulti(f) ? [] : ""),
  valueSchema(f) {
    if (!isMulti(f)) {
      const single = z
        .preprocess(castString, z.string())
        .refine((v) => v === "" || RECORD_ID.test(v), invalidId);
      return requireNonZero(single, f.required, (v) => v === "");
    }
    const multi = z
      .preprocess(castStringList, z.array(z.string()))
      .transform((v) => [...new Set(v.filter((x) => x !== ""))])
      .refine((v) => v.every((x) => RECORD_ID.test(x)), invalidId)
      .refine((v) => v.length <= f.maxSelect, {
        message: `Select no more than ${f.maxSelect}.`,
        params: { code: "validation_too_many_values" },
      })
      .refine((v) => v.length === 0 || v.length >= f.minSelect, {
        message: `Select at least ${f.minSelect}.`,
        params: { code: "validation_not_enough_values" },
      });
    return requireNonZero(multi, f.required, (v) => v.length === 0);
  },
  encode: (v, f) => (isMulti(f) ? JSON.stringify(v ?? []) : String(v ?? "")),
  decode: (v, f) => (isMulti(f) ? decodeJsonList(v) : decodeText(v)),
});
