/** Stored file names: the client's name reduced to safe snake_case with a random suffix, as PocketBase does. */
import { randomString } from "../lib/ids";

/** Longest base name kept (before the suffix and extension). */
const MAX_BASE_LENGTH = 100;
/** Longest extension kept (with its dot). */
const MAX_EXT_LENGTH = 20;
/** Length of the random suffix. */
const SUFFIX_LENGTH = 10;

/**
 * What a stored name may look like: a word character first, then word characters and `.+=#*-`, no `..` and no
 * `/`. Every name this module makes matches, and so do PocketBase's; anything else never becomes a key.
 */
const SAFE_NAME = /^\w[\w.+=#*-]{0,254}$/;

/** True when `name` can be a stored file name (and so part of an object key). */
export function isSafeFileName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.includes("..");
}

/**
 * Makes the stored name of an uploaded file: the last path segment of `original`, its base in lower snake_case
 * (at most 100 characters; a random part is added when under 3), `_` and 10 random characters, then its
 * extension stripped to `[a-z0-9]`. `../x`, NUL, control and bidi characters cannot survive it.
 */
export function storedFileName(original: string): string {
  const last = original.split(/[/\\]/).pop() ?? "";
  const dot = last.lastIndexOf(".");
  const rawExt = dot > 0 ? last.slice(dot + 1) : "";
  const ext = rawExt
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, MAX_EXT_LENGTH - 1);
  let base = (dot > 0 ? last.slice(0, dot) : last)
    .normalize("NFKD")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, MAX_BASE_LENGTH);
  if (base.length < 3) base += randomString(SUFFIX_LENGTH);
  return `${base}_${randomString(SUFFIX_LENGTH)}${ext ? `.${ext}` : ""}`;
}
