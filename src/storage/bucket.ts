/** The storage port: the part of an R2 bucket Edgebase uses, and deletes by key list or prefix. */

/** What Edgebase needs of a bucket (an R2 binding, or a wrapper of one in fault tests). */
export type FileBucket = Pick<R2Bucket, "put" | "get" | "head" | "delete" | "list">;

/** R2 deletes at most this many keys per call. */
const DELETE_CHUNK = 1000;

/** Deletes `keys` (chunked as R2 requires); missing keys are not an error. */
export async function deleteKeys(bucket: FileBucket, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_CHUNK) await bucket.delete(keys.slice(i, i + DELETE_CHUNK));
}

/** Deletes every object whose key starts with `prefix`; returns how many were deleted. */
export async function deletePrefix(bucket: FileBucket, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, limit: DELETE_CHUNK });
    const keys = page.objects.map((o) => o.key);
    if (keys.length > 0) await bucket.delete(keys);
    deleted += keys.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
