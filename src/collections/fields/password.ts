/** `password`: a secret of an auth collection; validated in plain text, stored as a hash by auth/. */
import { z } from "zod";
import { castString, defineFieldType, fieldBaseShape, limit, requiredShape, textCodec } from "./field-type";
import { regexOption } from "./text";

/** PocketBase's defaults: at least 8 characters, at most 71 (bcrypt's limit, kept for compatibility). */
const DEFAULT_MIN = 8;
const DEFAULT_MAX = 71;

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("password"),
  min: limit.max(DEFAULT_MAX).default(DEFAULT_MIN),
  max: limit.max(DEFAULT_MAX).default(DEFAULT_MAX),
  pattern: regexOption.default(""),
  cost: z.number().int().min(0).max(31).default(0),
});

/** A `password` field definition. */
export type PasswordField = z.output<typeof schema>;

/** The `password` field type: `valueSchema` checks a new plain-text password; the column holds its hash. */
export const passwordField = defineFieldType<PasswordField>({
  type: "password",
  schema,
  ...textCodec,
  valueSchema(f) {
    const max = f.max > 0 ? f.max : DEFAULT_MAX;
    return z
      .preprocess(castString, z.string())
      .refine((v) => !f.required || v !== "", {
        message: "Cannot be blank.",
        params: { code: "validation_required" },
      })
      .refine((v) => v === "" || [...v].length >= f.min, {
        message: `Must be at least ${f.min} character(s).`,
        params: { code: "validation_min_text_constraint" },
      })
      .refine((v) => [...v].length <= max, {
        message: `Must be less than ${max} character(s).`,
        params: { code: "validation_max_text_constraint" },
      })
      .refine((v) => f.pattern === "" || v === "" || new RegExp(f.pattern).test(v), {
        message: "Invalid value format.",
        params: { code: "validation_invalid_format" },
      });
  },
});
