/**
 * Bulk import of stored files, for `edgebase import pocketbase`: a superuser puts one file under the exact
 * name a record's file field already holds (PocketBase's names are kept, so links to them keep working).
 */
import { toHex } from "../lib/bytes";
import { badRequest, forbidden, internalError } from "../lib/errors";
import { deletePrefix } from "../storage/bucket";
import { fileKey, thumbPrefix } from "../storage/keys";
import type { RecordDeps } from "./deps";
import { findFileTarget } from "./file-access";
import { checkFile } from "./file-uploads";

/** What an import of one file did: `stored` is false when the same bytes were already there. */
export interface ImportFileResult {
  stored: boolean;
}

/**
 * Stores `file` as `filename` of record `recordId`. The name must be one the record's file fields hold (404
 * otherwise: no object is left that no record names, and no record's files are reachable through another), and
 * the file must pass its field's size and type checks (400). The same bytes again change nothing; new bytes replace the
 * object and drop its thumbs. Superusers only.
 */
export async function importFile(
  deps: RecordDeps,
  collectionName: string,
  recordId: string,
  filename: string,
  file: Blob,
): Promise<ImportFileResult> {
  if (!deps.ctx.isSuperuser) throw forbidden("Only superusers can import files.");
  const { ref, field } = await findFileTarget(deps, collectionName, recordId, filename);
  const { collection } = ref;
  const checked = await checkFile(field, file);
  if ("error" in checked) {
    const [code = "validation_invalid_value", message = "Invalid file."] = checked.error;
    throw badRequest("Failed to validate the submitted data.", { [field.name]: { code, message } });
  }
  const bucket = deps.files;
  if (!bucket) throw internalError(new Error("records: file import without a FILES bucket"));
  const bytes = await file.arrayBuffer();
  const key = fileKey(collection.id, recordId, filename);
  // R2's etag of a single-part put is the MD5 of its bytes (workerd's WebCrypto has MD5 for this).
  const md5 = toHex(new Uint8Array(await crypto.subtle.digest("MD5", bytes)));
  const head = await bucket.head(key);
  if (head && head.size === bytes.byteLength && head.etag === md5) return { stored: false };
  await bucket.put(key, bytes, { httpMetadata: { contentType: checked.type } });
  if (head) await deletePrefix(bucket, thumbPrefix(collection.id, recordId, filename));
  return { stored: true };
}
