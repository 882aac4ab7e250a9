/** An R2 object as an HTTP response: type, disposition, validators, single byte ranges and 304s. */
import { ApiError, notFound } from "../lib/errors";
import type { FileBucket } from "../storage/bucket";
import { ACTIVE_TYPES } from "../storage/mime";

/** How a file is served. */
export interface ServeOptions {
  /** `?download=1`: always an attachment. */
  download: boolean;
  /** The Cache-Control header. */
  cacheControl: string;
}

/**
 * Every file is served with a sandboxing CSP and nosniff; types a browser would run script in (HTML, SVG, XML,
 * JavaScript) are also always attachments. Together they keep an uploaded file from running script on the API's
 * origin even when a browser opens its URL directly.
 */
const SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

function unsatisfiable(size: number): ApiError {
  return new ApiError(
    416,
    "The requested range is not satisfiable.",
    {},
    {
      headers: { "content-range": `bytes */${size}` },
    },
  );
}

/** Parses one `bytes=` range against `size`; undefined when there is no usable Range header (serve it whole). */
export function parseRange(
  header: string | undefined,
  size: number,
): { offset: number; length: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match) return undefined;
  const [, from, to] = match as unknown as [string, string, string];
  if (from === "" && to === "") return undefined;
  if (from === "") {
    const suffix = Math.min(Number(to), size);
    if (suffix === 0) throw unsatisfiable(size);
    return { offset: size - suffix, length: suffix };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) throw unsatisfiable(size);
  return { offset: start, length: end - start + 1 };
}

function contentDisposition(type: string, filename: string, download: boolean): string {
  const kind = download || ACTIVE_TYPES.has(type) ? "attachment" : "inline";
  // Stored names are `[\w.+=#*-]` only (storage/file-names.ts): safe inside quotes as they are.
  return `${kind}; filename="${filename}"`;
}

/** Serves object `key` of `bucket` for `request` as file `filename`; 404 with the error shape when missing. */
export async function serveObject(
  bucket: FileBucket,
  key: string,
  filename: string,
  request: Request,
  options: ServeOptions,
): Promise<Response> {
  const rangeHeader = request.headers.get("range") ?? undefined;
  let range: { offset: number; length: number } | undefined;
  if (rangeHeader) {
    const head = await bucket.head(key);
    if (!head) throw notFound();
    range = parseRange(rangeHeader, head.size);
  }
  // Only the "not modified" conditions: a failed If-Match must not turn into a 304.
  const onlyIf = new Headers();
  for (const name of ["if-none-match", "if-modified-since"]) {
    const value = request.headers.get(name);
    if (value) onlyIf.set(name, value);
  }
  const object = await bucket.get(key, { range, onlyIf });
  if (!object) throw notFound();
  const type = object.httpMetadata?.contentType ?? "application/octet-stream";
  const headers = new Headers({
    "content-type": type,
    "content-disposition": contentDisposition(type, filename, options.download),
    etag: object.httpEtag,
    "last-modified": object.uploaded.toUTCString(),
    "cache-control": options.cacheControl,
    "accept-ranges": "bytes",
    "content-security-policy": SANDBOX,
    "x-content-type-options": "nosniff",
  });
  if (!("body" in object) || !object.body) return new Response(null, { status: 304, headers });
  if (range) {
    headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    headers.set("content-length", String(range.length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("content-length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}
