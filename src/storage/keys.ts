/** R2 object keys, laid out as PocketBase's storage: `<collectionId>/<recordId>/<filename>` and thumbs beside it. */

/** The key of a record's file. */
export function fileKey(collectionId: string, recordId: string, filename: string): string {
  return `${collectionId}/${recordId}/${filename}`;
}

/** The prefix under which every object of one collection lives. */
export function collectionPrefix(collectionId: string): string {
  return `${collectionId}/`;
}

/** The prefix under which every object of one record lives (its files and their thumbs). */
export function recordPrefix(collectionId: string, recordId: string): string {
  return `${collectionId}/${recordId}/`;
}

/** The prefix of every thumb of one file. */
export function thumbPrefix(collectionId: string, recordId: string, filename: string): string {
  return `${collectionId}/${recordId}/thumbs_${filename}/`;
}

/** The key of one thumb of a file (`size` as requested, e.g. `100x100t`). */
export function thumbKey(collectionId: string, recordId: string, filename: string, size: string): string {
  return `${thumbPrefix(collectionId, recordId, filename)}${size}_${filename}`;
}

/** A parsed object key: the record it belongs to and the file it is (or is a thumb of). */
export interface ParsedKey {
  collectionId: string;
  recordId: string;
  /** The original file's name (for a thumb: the file it was made from). */
  filename: string;
}

/** Parses an object key of this layout; undefined for anything else. */
export function parseFileKey(key: string): ParsedKey | undefined {
  const parts = key.split("/");
  if (parts.length === 3) {
    const [collectionId, recordId, filename] = parts as [string, string, string];
    return collectionId && recordId && filename ? { collectionId, recordId, filename } : undefined;
  }
  if (parts.length === 4 && parts[2]?.startsWith("thumbs_")) {
    const [collectionId, recordId, dir] = parts as [string, string, string];
    const filename = dir.slice("thumbs_".length);
    return collectionId && recordId && filename ? { collectionId, recordId, filename } : undefined;
  }
  return undefined;
}
