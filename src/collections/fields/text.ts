/** `text`: a string with length limits, an optional pattern, and id generation for primary keys. */
import { z } from "zod";
import {
  castString,
  defineFieldType,
  fieldBaseShape,
  limit,
  requiredShape,
  requireNonZero,
  runeLength,
  TEXT_COLUMN,
  textCodec,
} from "./field-type";

/** Longest accepted regex option (pattern, autogeneratePattern). */
const MAX_PATTERN_LENGTH = 500;

/** A regular expression option: must compile. */
export const regexOption = z
  .string()
  .max(MAX_PATTERN_LENGTH)
  .refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: "Invalid regular expression." },
  );

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("text"),
  min: limit.default(0),
  max: limit.default(0),
  pattern: regexOption.default(""),
  autogeneratePattern: regexOption.default(""),
  primaryKey: z.boolean().default(false),
});

/** A `text` field definition. */
export type TextField = z.output<typeof schema>;

/** The `text` field type. */
export const textField = defineFieldType<TextField>({
  type: "text",
  schema,
  ...textCodec,
  column: (f) => (f.primaryKey ? "TEXT PRIMARY KEY NOT NULL" : TEXT_COLUMN),
  valueSchema(f) {
    const base = z
      .preprocess(castString, z.string())
      .refine((v) => f.min === 0 || v === "" || runeLength(v) >= f.min, {
        message: `Must be at least ${f.min} character(s).`,
        params: { code: "validation_min_text_constraint" },
      })
      .refine((v) => f.max === 0 || runeLength(v) <= f.max, {
        message: `Must be less than ${f.max} character(s).`,
        params: { code: "validation_max_text_constraint" },
      })
      .refine((v) => f.pattern === "" || v === "" || new RegExp(f.pattern).test(v), {
        message: "Invalid value format.",
        params: { code: "validation_invalid_format" },
      });
    return requireNonZero(base, f.required || f.primaryKey, (v) => v === "");
  },
});
