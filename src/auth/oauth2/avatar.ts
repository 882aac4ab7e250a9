/**
 * An OAuth2 sign-up's avatar, downloaded into the collection's mapped file field: bounded in time and size,
 * checked by the files code like any upload, and an image only. Any failure just leaves the field empty: a
 * broken avatar never fails a sign-in (PocketBase does the same).
 */
import type { FileField } from "../../collections/fields";
import { maxFileSize } from "../../collections/fields/file";
import { concatBytes } from "../../lib/bytes";
import { checkFile } from "../../records/file-uploads";

/** Milliseconds the avatar's host has to send it all. */
export const AVATAR_TIMEOUT_MS = 5_000;
/** Largest avatar downloaded, whatever the field allows. */
export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

/** Raster image types an avatar may have (never SVG: it can carry script). */
const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
};

/** The avatar at `url` as a file for `field`, or undefined when it cannot be had safely. */
export async function downloadAvatar(url: string, field: FileField): Promise<File | undefined> {
  const cap = Math.min(maxFileSize(field), MAX_AVATAR_BYTES);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
    const res = await fetch(parsed, { signal: AbortSignal.timeout(AVATAR_TIMEOUT_MS) });
    if (!res.ok || !res.body || Number(res.headers.get("content-length") ?? 0) > cap) {
      await res.body?.cancel();
      return undefined;
    }
    const bytes = await readAtMost(res.body, cap);
    if (!bytes) return undefined;
    const blob = new Blob([bytes], { type: res.headers.get("content-type") ?? "" });
    const checked = await checkFile(field, blob);
    if (!("type" in checked)) return undefined;
    const extension = EXTENSIONS[checked.type];
    if (!extension) return undefined;
    return new File([bytes], `avatar.${extension}`, { type: checked.type });
  } catch {
    return undefined;
  }
}

/** The whole body, or undefined when it is longer than `cap` (reading stops there). */
async function readAtMost(body: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}
