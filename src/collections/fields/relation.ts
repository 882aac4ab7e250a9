/** `relation`: ids of records in another collection (a JSON array column when maxSelect > 1). */
import { z } from "zod";
import { choiceCodec, choiceValueSchema } from "./choice";
import { defineFieldType, fieldBaseShape, requiredShape } from "./field-type";

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

const RECORD_ID = /^[A-Za-z0-9_-]{1,255}$/;

/** The `relation` field type; the records engine checks that the ids exist. */
export const relationField = defineFieldType<RelationField>({
  type: "relation",
  schema,
  ...choiceCodec,
  valueSchema: (f) =>
    choiceValueSchema(f, (v) => RECORD_ID.test(v), {
      message: "Invalid record id.",
      params: { code: "validation_invalid_value" },
    }),
});
