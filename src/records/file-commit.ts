/** Files around a commit: uploads put first and removed if the write fails; replaced files deleted after it. */
import type { Collection } from "../collections/collection";
import { decodeValue } from "../collections/fields";
import type { D1Like } from "../db/sql";
import { internalError } from "../lib/errors";
import { deleteKeys, deletePrefix, type FileBucket } from "../storage/bucket";
import { type DeletionTarget, trackDeletions } from "../storage/deletions";
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
 * thumbs, cascades included), and the files an update replaced or removed. A failed R2 call does not change the
 * client's answer (the write has committed): what it left is tracked (storage/deletions.ts) for the files cron
 * to retry, and the orphan sweep remains the backstop should tracking fail too.
 */
export async function deleteReplacedFiles(
  deps: { db: D1Like; files?: FileBucket | undefined },
  events: readonly ChangeEvent[],
): Promise<void> {
  const bucket = deps.files;
  if (!bucket) return;
  const before = Date.now();
  const keys: DeletionTarget[] = [];
  const thumbs: string[] = [];
  const prefixes: DeletionTarget[] = [];
  for (const { action, collection, record, oldRecord } of events) {
    if (!collection.fields.some((f) => f.type === "file")) continue;
    const id = String(record.id ?? oldRecord?.id ?? "");
    if (!id) continue;
    if (action === "delete") {
      prefixes.push({ target: recordPrefix(collection.id, id), prefix: true });
      continue;
    }
    if (action !== "update" || !oldRecord) continue;
    const now = fileNames(collection, record);
    for (const [field, held] of fileNames(collection, oldRecord)) {
      const kept = new Set(now.get(field));
      for (const name of held) {
        if (kept.has(name)) continue;
        keys.push({ target: fileKey(collection.id, id, name), prefix: false });
        thumbs.push(thumbPrefix(collection.id, id, name));
      }
    }
  }
  if (keys.length === 0 && prefixes.length === 0) return;
  const failed: DeletionTarget[] = [];
  const attempt = async (work: Promise<unknown>, targets: DeletionTarget[]) => {
    await work.catch(() => failed.push(...targets));
  };
  await Promise.all([
    attempt(
      deleteKeys(
        bucket,
        keys.map((k) => k.target),
      ),
      keys,
    ),
    // A tracked key row deletes its thumbs too.
    ...keys.map((k, i) => attempt(deletePrefix(bucket, thumbs[i] as string), [k])),
    ...prefixes.map((p) => attempt(deletePrefix(bucket, p.target), [p])),
  ]);
  if (failed.length === 0) return;
  const unique = [...new Map(failed.map((t) => [`${t.prefix}:${t.target}`, t])).values()];
  await trackDeletions(deps.db, unique, before).catch(() => {});
}
