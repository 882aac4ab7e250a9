/**
 * A file field in the record editor: the names a record holds, which may be previewed as images, what the
 * client may still add (maxSelect, maxSize), and the body a save sends (PocketBase's `field+` / `field-`
 * modifiers, or the files themselves on create and when a single file is replaced). Pure; unit-tested.
 */

/** The file field options the editor reads. */
export interface FileFieldOptions {
  name: string;
  maxSelect?: number;
  /** Bytes per file; 0 or absent: the API's 5 MB. */
  maxSize?: number;
  mimeTypes?: string[];
  protected?: boolean;
}

/** The API's per-file limit when the field sets none (README "Files"). */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** The file names a record value holds (one name, a list, or nothing). */
export function fileNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v !== "");
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** Whether a stored name is an image the API can make a thumbnail of (PNG, JPEG, GIF, WebP). */
export function isThumbable(name: string): boolean {
  return /\.(png|jpe?g|gif|webp)$/i.test(name);
}

/** Whether the field holds several files (each upload adds) rather than one (an upload replaces). */
export function isMultiple(field: FileFieldOptions): boolean {
  return (field.maxSelect ?? 1) > 1;
}

/**
 * Splits picked files into those that fit the field and messages about the others: too large, or beyond
 * maxSelect counting the `kept` stored files and the `added` ones. A single-file field takes the last pick.
 */
export function acceptFiles(
  field: FileFieldOptions,
  kept: number,
  added: File[],
  picked: File[],
): { files: File[]; errors: string[] } {
  const errors: string[] = [];
  const limit = field.maxSize || DEFAULT_MAX_FILE_SIZE;
  const fitting = picked.filter((f) => {
    if (f.size > limit) errors.push(`${f.name} is larger than ${formatSize(limit)}.`);
    return f.size <= limit;
  });
  if (!isMultiple(field)) return { files: fitting.slice(-1), errors };
  const room = Math.max(0, (field.maxSelect ?? 1) - kept - added.length);
  if (fitting.length > room) {
    errors.push(`At most ${field.maxSelect} files: ${fitting.length - room} not added (remove some first).`);
  }
  return { files: [...added, ...fitting.slice(0, room)], errors };
}

/**
 * The body entries a save sends for the field: on create the files; on update a single file replaced by
 * its new file, else `name+` for added files and `name-` for removed names. Empty when nothing changed.
 */
export function fileChanges(
  field: FileFieldOptions,
  isNew: boolean,
  removed: string[],
  added: File[],
): Record<string, unknown> {
  const multiple = isMultiple(field);
  if (isNew) return added.length ? { [field.name]: multiple ? added : added[0] } : {};
  if (!multiple && added.length) return { [field.name]: added[0] };
  const out: Record<string, unknown> = {};
  if (removed.length) out[`${field.name}-`] = removed;
  if (added.length) out[`${field.name}+`] = added;
  return out;
}

/** A byte count for people: `512 B`, `3.4 KB`, `5 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}
