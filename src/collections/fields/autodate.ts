/** `autodate`: a datetime set by the server on create and/or update (clients cannot set it). */
import { z } from "zod";
import { dateValue } from "./date";
import { defineFieldType, fieldBaseShape, textCodec } from "./field-type";

const schema = z.object({
  ...fieldBaseShape,
  type: z.literal("autodate"),
  onCreate: z.boolean().default(true),
  onUpdate: z.boolean().default(false),
});

/** An `autodate` field definition. */
export type AutodateField = z.output<typeof schema>;

/** The `autodate` field type; the records engine fills it from onCreate/onUpdate. */
export const autodateField = defineFieldType<AutodateField>({
  type: "autodate",
  schema,
  ...textCodec,
  valueSchema: () => dateValue,
});
