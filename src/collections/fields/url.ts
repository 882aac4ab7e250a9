/** `url`: an absolute http(s) URL, optionally limited to or excluding domains. */
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

const schema = z.object({ ...fieldBaseShape, ...requiredShape, type: z.literal("url"), ...domainListsShape });

/** A `url` field definition. */
export type UrlField = z.output<typeof schema>;

function hostOf(value: string): string | undefined {
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** The `url` field type. */
export const urlField = defineFieldType<UrlField>({
  type: "url",
  schema,
  ...textCodec,
  valueSchema(f) {
    const base = z
      .preprocess(castString, z.string().max(2048))
      .refine((v) => v === "" || hostOf(v) !== undefined, {
        message: "Must be a valid url.",
        params: { code: "validation_is_url" },
      })
      .refine((v) => v === "" || domainAllowed(hostOf(v) ?? "", f), DOMAIN_ERROR);
    return requireNonZero(base, f.required, (v) => v === "");
  },
});
