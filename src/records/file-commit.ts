/** Files around a commit: uploads put first and removed if the write fails; replaced files deleted after it. */
import type { Collection } from "../collections/collection";
import { decodeValue } from "../collections/fields";
import { internalError } from "../lib/errors";
import { deleteKeys, deletePrefix, type FileBucket } from "../storage/bucket";
import { fileKey, recordPrefix, thumbPrefix } from "../storage/keys";
import type { ChangeEvent } from "./events";
import type { PendingUpload } from "./file-uploads";

/** Puts every upload (in parallel); if any put fails, removes the ones that landed and throws a 500. */
async function putAll(bucket: FileBucket, uploads: readonly PendingUpload[]): Promise<void> {
  const results = await Promise.allSettled(
    uploads.map((u) => bucket.put(u.key, u.file, { httpMetadata: { contentType: u.type } })),
  );
  const failed = results.find((r) => r.status === "rejected");
  if (!failed) return;
  await deleteKeys(
    bucket,
    uploads.map((u) => u.key),
  ).catch(() => {});
  throw internalError((failed as PromiseRejectedResult).reason);
}

/**
 * Runs `commit` with `uploads` in place: they are put before it, and removed again when it throws (the write
 * did not happen). A crash between the put and the commit leaves objects no record names: the orphan sweep
 * (records/file-sweep.ts) collects them.
 */
export async function withUploads<T>(
  bucket: FileBucket | undefined,
  uploads: readonly PendingUpload[],
  commit: () => Promise<T>,
): Promise<T> {
  if (uploads.length === 0 || !bucket) return commit();
  await putAll(bucket, uploads);
  try {
    return await commit();
  } catch (err) {
    await deleteKeys(
      bucket,
      uploads.map((u) => u.key),
    ).catch(() => {});
    throw err;
  }
}

function fileNames(
  collection: Collection,
  record: Record<string, unknown> | undefined,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const field of collection.fields) {
    if (field.type !== "file") continue;
    const value = decodeValue(field, record?.[field.name]);
    out.set(field.name, (Array.isArray(value) ? value : value ? [value] : []).map(String));
  }
  return out;
}

/**
 * Deletes the objects committed changes no longer name: every object of a deleted record (its files and their
 * thumbs, cascades included), and the files an update replaced or removed. Failures are left to the orphan
 * sweep: the write has committed, so the client's answer does not change.
 */
export async function deleteReplacedFiles(
  bucket: FileBucket | undefined,
  events: readonly ChangeEvent[],
): Promise<void> {
  if (!bucket) return;
  const keys: string[] = [];
  const prefixes: string[] = [];
  for (const { action, collection, record, oldRecord } of events) {
    if (!collection.fields.some((f) => f.type === "file")) continue;
    const id = String(record.id ?? oldRecord?.id ?? "");
    if (!id) continue;
    if (action === "delete") {
      prefixes.push(recordPrefix(collection.id, id));
      continue;
    }
    if (action !== "update" || !oldRecord) continue;
    const now = fileNames(collection, record);
    for (const [field, before] of fileNames(collection, oldRecord)) {
      const kept = new Set(now.get(field));
      for (const name of before) {
        if (kept.has(name)) continue;
        keys.push(fileKey(collection.id, id, name));
        prefixes.push(thumbPrefix(collection.id, id, name));
      }
    }
  }
  const work = [deleteKeys(bucket, keys), ...prefixes.map((p) => deletePrefix(bucket, p))];
  await Promise.allSettled(work);
}
