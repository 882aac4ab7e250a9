/** `email`: an email address, optionally limited to or excluding domains. */
import { z } from "zod";
import { DOMAIN_ERROR, domainAllowed, domainListsShape } from "./domains";
import {
  castString,
  defineFieldType,
  fieldBaseShape,
  requiredShape,
  requireNonZero,
  textCodec,
} from "./field-type";

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("email"),
  ...domainListsShape,
});

/** An `email` field definition. */
export type EmailField = z.output<typeof schema>;

const isEmail = (v: string) => z.email().safeParse(v).success;

/** The `email` field type. */
export const emailField = defineFieldType<EmailField>({
  type: "email",
  schema,
  ...textCodec,
  valueSchema(f) {
    const base = z
      .preprocess(castString, z.string().max(255))
      .refine((v) => v === "" || isEmail(v), {
        message: "Must be a valid email address.",
        params: { code: "validation_is_email" },
      })
      .refine((v) => v === "" || domainAllowed(v.slice(v.lastIndexOf("@") + 1), f), DOMAIN_ERROR);
    return requireNonZero(base, f.required, (v) => v === "");
  },
});
