/** `file`: stored file names (objects on R2), one string or a JSON list when maxSelect > 1, as PocketBase. */
import { z } from "zod";
import { isSafeFileName } from "../../storage/file-names";
import { choiceCodec, choiceValueSchema } from "./choice";
import { defineFieldType, fieldBaseShape, limit, requiredShape } from "./field-type";

/** PocketBase's per-file size limit when `maxSize` is 0 (5 MB). */
export const DEFAULT_MAX_FILE_SIZE = 5_242_880;
/** At most this many files per field. */
export const MAX_FILES_PER_FIELD = 99;
/** A thumb size: `WxH` with an optional crop anchor (t, b) or fit (f); `0xH` and `Wx0` keep the aspect ratio. */
export const THUMB_SIZE = /^(\d{1,4})x(\d{1,4})([tbf])?$/;

const thumb = z
  .string()
  .regex(THUMB_SIZE, "Thumb sizes are WxH, WxHt, WxHb, WxHf, 0xH or Wx0.")
  .refine((v) => !/^0+x0+/.test(v), "A thumb size needs a width or a height.");

const schema = z.object({
  ...fieldBaseShape,
  ...requiredShape,
  type: z.literal("file"),
  maxSelect: z.number().int().min(0).max(MAX_FILES_PER_FIELD).default(1),
  maxSize: limit.default(0),
  mimeTypes: z
    .array(z.string().min(1).max(255))
    .max(500)
    .nullish()
    .transform((v) => v ?? []),
  thumbs: z
    .array(thumb)
    .max(100)
    .nullish()
    .transform((v) => v ?? []),
  protected: z.boolean().default(false),
});

/** A `file` field definition. */
export type FileField = z.output<typeof schema>;

/** The per-file size limit of a field in bytes (`maxSize`, or PocketBase's 5 MB default when 0). */
export function maxFileSize(field: FileField): number {
  return field.maxSize > 0 ? field.maxSize : DEFAULT_MAX_FILE_SIZE;
}

/** The `file` field type. */
export const fileField = defineFieldType<FileField>({
  type: "file",
  schema,
  ...choiceCodec,
  valueSchema(f) {
    return choiceValueSchema(f, isSafeFileName, {
      message: "Invalid file name.",
      params: { code: "validation_invalid_file_name" },
    });
  },
});
