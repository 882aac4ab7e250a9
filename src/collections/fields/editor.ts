/** `editor`: rich text (HTML) with a size limit. */
import { z } from "zod";
import {
  castString,
  defineFieldType,
  fieldBaseShape,
  limit,
  requiredShape,
  requireNonZero,
  textCodec,
} from "./field-type";

/** Default and largest editor content size in bytes (D1 rows are capped at 2 MB). */
const DEFAULT_MAX_SIZE = 1_000_000;

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("editor"),
  maxSize: limit.max(DEFAULT_MAX_SIZE).default(0),
  convertURLs: z.boolean().default(false),
});

/** An `editor` field definition. */
export type EditorField = z.output<typeof schema>;

/** The `editor` field type. */
export const editorField = defineFieldType<EditorField>({
  type: "editor",
  schema,
  ...textCodec,
  valueSchema(f) {
    const max = f.maxSize > 0 ? f.maxSize : DEFAULT_MAX_SIZE;
    const base = z
      .preprocess(castString, z.string())
      .refine((v) => new TextEncoder().encode(v).length <= max, {
        message: `Must be less than ${max} bytes.`,
        params: { code: "validation_content_size_limit" },
      });
    return requireNonZero(base, f.required, (v) => v === "");
  },
});
