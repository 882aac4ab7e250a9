/** Uploads in a record write: files in the body checked and named, then bound to the record they will belong to. */
import type { Collection } from "../collections/collection";
import { decodeValue, encodeValue, type Field, type FileField, validateValue } from "../collections/fields";
import { maxFileSize } from "../collections/fields/file";
import { badRequest, type ErrorData, internalError } from "../lib/errors";
import type { FileBucket } from "../storage/bucket";
import { storedFileName } from "../storage/file-names";
import { fileKey } from "../storage/keys";
import { declaredType, effectiveType, isMagicType, SNIFF_BYTES, sniffType } from "../storage/mime";
import { parseKey } from "./modifiers";
import type { WriteValues } from "./write-values";

/** At most this many files in one record write (all its fields together). */
export const MAX_UPLOADS_PER_REQUEST = 100;

/** A checked upload: its stored name, its bytes and the content type it is stored under. */
export interface StagedFile {
  name: string;
  file: Blob;
  type: string;
}

/** A body with its files replaced by their stored names, and the files by stored name. */
export interface StagedBody {
  body: Record<string, unknown>;
  files: Map<string, StagedFile>;
}

/** An upload bound to its object key, put before the write commits. */
export interface PendingUpload {
  key: string;
  file: Blob;
  type: string;
}

const isBlob = (v: unknown): v is Blob => typeof Blob !== "undefined" && v instanceof Blob;

function fileError(errors: ErrorData, field: string, code: string, message: string) {
  errors[field] ??= { code, message };
}

/** Checks one file against its field (size, allowed types); the type it is stored under, or the error. */
export async function checkFile(
  field: FileField,
  file: Blob,
): Promise<{ type: string } | { error: string[] }> {
  const limit = maxFileSize(field);
  if (file.size > limit) {
    return { error: ["validation_file_size_limit", `The maximum allowed file size is ${limit} bytes.`] };
  }
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const declared = declaredType(file.type);
  const type = effectiveType(sniffType(head), declared);
  if (field.mimeTypes.length > 0) {
    const allowed = new Set(field.mimeTypes.map((t) => t.toLowerCase()));
    // A declared type the bytes contradict (a script sent as image/png) is refused, not re-labelled.
    const lies = declared !== "" && isMagicType(declared) && declared !== type;
    if (lies || !allowed.has(type) || (declared !== "" && !allowed.has(declared))) {
      return {
        error: [
          "validation_invalid_mime_type",
          `The content type ${type} is not allowed (allowed: ${field.mimeTypes.join(", ")}).`,
        ],
      };
    }
  }
  return { type };
}

/**
 * Replaces the files of a write body by stored names (see storage/file-names.ts), after checking each against
 * its field: a file field, at most maxSelect per key, maxSize, mimeTypes (magic bytes and declared type). A
 * file under any other key is refused. Throws the 400 naming the field; nothing is stored yet.
 */
export async function stageUploads(
  bucket: FileBucket | undefined,
  collection: Collection,
  body: Record<string, unknown>,
): Promise<StagedBody> {
  let count = 0;
  const files = new Map<string, StagedFile>();
  const errors: ErrorData = {};
  let out: Record<string, unknown> | undefined;
  for (const [key, raw] of Object.entries(body)) {
    const items = Array.isArray(raw) ? raw : [raw];
    const blobs = items.filter(isBlob);
    if (blobs.length === 0) continue;
    out ??= { ...body };
    const target = parseKey(collection, key);
    if (!target || !("field" in target) || target.field.type !== "file") {
      fileError(errors, key, "validation_invalid_value", "Files can only be sent to file fields.");
      continue;
    }
    const field = target.field;
    count += blobs.length;
    if (count > MAX_UPLOADS_PER_REQUEST) {
      throw badRequest(`At most ${MAX_UPLOADS_PER_REQUEST} files can be uploaded in one request.`);
    }
    if (!bucket) throw internalError(new Error("records: file upload without a FILES bucket"));
    if (blobs.length > Math.max(1, field.maxSelect)) {
      fileError(errors, field.name, "validation_too_many_values", `Select no more than ${field.maxSelect}.`);
      continue;
    }
    const names: string[] = [];
    for (const blob of blobs) {
      const checked = await checkFile(field, blob);
      if ("error" in checked) {
        fileError(errors, field.name, checked.error[0] as string, checked.error[1] as string);
        continue;
      }
      const name = storedFileName(blob instanceof File ? blob.name : "");
      files.set(name, { name, file: blob, type: checked.type });
      names.push(name);
    }
    const strings = items.filter((v) => !isBlob(v));
    out[key] = target.mode === "remove" ? strings : [...strings, ...names];
  }
  if (Object.keys(errors).length > 0) throw badRequest("Failed to validate the submitted data.", errors);
  return { body: out ?? body, files };
}

function namesOf(field: Field, value: unknown): string[] {
  const decoded = decodeValue(field, value);
  if (Array.isArray(decoded)) return decoded.map(String);
  return decoded ? [String(decoded)] : [];
}

/**
 * Binds staged files to record `recordId` once the write's values are resolved. A file field may only name
 * files it already holds (`current`) or files uploaded with this write: other names are dropped, as in
 * PocketBase, so no record can point at another record's objects. Returns the uploads the write keeps.
 */
export function bindUploads(
  collection: Collection,
  recordId: string,
  values: Pick<WriteValues, "columns" | "resolved" | "body" | "errors">,
  current: Record<string, unknown> | undefined,
  staged: StagedBody,
): PendingUpload[] {
  const kept = new Set<string>();
  for (const field of collection.fields) {
    if (field.type !== "file") continue;
    const column = values.columns.get(field.name);
    if (!column) continue;
    if ("list" in column) {
      if (column.list !== "remove") column.items = column.items.filter((n) => staged.files.has(n));
      for (const n of column.items) if (staged.files.has(n)) kept.add(n);
      continue;
    }
    if (!("value" in column)) continue;
    const owned = new Set(namesOf(field, current?.[field.name]));
    const names = namesOf(field, column.value).filter((n) => owned.has(n) || staged.files.has(n));
    const result = validateValue(field, field.maxSelect > 1 ? names : (names.at(-1) ?? ""));
    if (!result.ok) {
      values.errors[field.name] = result.error;
      continue;
    }
    const encoded = encodeValue(field, result.value);
    values.columns.set(field.name, { value: encoded });
    values.resolved.set(field.name, encoded);
    if (Object.hasOwn(values.body, field.name)) values.body[field.name] = result.value;
    for (const n of names) if (staged.files.has(n)) kept.add(n);
  }
  return [...kept].map((name) => {
    const file = staged.files.get(name) as StagedFile;
    return { key: fileKey(collection.id, recordId, name), file: file.file, type: file.type };
  });
}
