/**
 * Edge caching of public files through the Cache API (`caches.default`, the data center's cache). Entries are
 * versioned by name, never purged: a stored name is unique per upload (storage/file-names.ts), so a replaced
 * file is a new key, and the route resolves the record and its viewRule BEFORE it looks here, so a deleted,
 * replaced or no-longer-public file is a 404 whatever the cache holds. Purging could not do that job anyway:
 * `cache.delete` reaches one data center only.
 */

/** Largest response put in the cache (Cloudflare's cache object limit on most plans). */
export const MAX_EDGE_CACHED_BYTES = 512 * 1024 * 1024;

/** What a cached file response depends on. */
export interface FileCacheKeyParts {
  /** The collection's id: a URL may use its name, which a rename can hand to another collection. */
  collectionId: string;
  recordId: string;
  filename: string;
  /** The thumb size served ("" for the original: unlisted sizes serve it too, so they share its entry). */
  thumb: string;
  /** `?download=1` (its Content-Disposition differs). */
  download: boolean;
}

/** The data center's cache, or undefined where the runtime has none. */
export function edgeCache(): Cache | undefined {
  return typeof caches === "undefined" ? undefined : caches.default;
}

/** The cache key of a file response, on the request's own origin (the zone the cache belongs to). */
export function fileCacheKey(requestUrl: string, parts: FileCacheKeyParts): string {
  const path = [parts.collectionId, parts.recordId, parts.filename].map(encodeURIComponent).join("/");
  const url = new URL(`/api/files/${path}`, requestUrl);
  if (parts.thumb) url.searchParams.set("thumb", parts.thumb);
  if (parts.download) url.searchParams.set("download", "1");
  return url.toString();
}

/**
 * The cached response for `key`, or undefined. Only the request's validators go with the lookup (the cache
 * answers 304 itself); nothing identifying the caller does. The response is a fresh copy, so middleware can
 * still add its headers.
 */
export async function cachedFile(cache: Cache, key: string, request: Request): Promise<Response | undefined> {
  const headers = new Headers();
  for (const name of ["if-none-match", "if-modified-since"]) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const hit = await cache.match(new Request(key, { headers }));
  return hit ? new Response(hit.body, hit) : undefined;
}

/**
 * Puts a complete 200 response in the cache under `key` (after the response through `defer`; awaited where
 * there is none, as in tests) and returns the response to send. Cache failures never fail the request.
 */
export async function fillCache(
  cache: Cache,
  key: string,
  response: Response,
  defer: ((p: Promise<unknown>) => void) | undefined,
): Promise<Response> {
  const size = Number(response.headers.get("content-length"));
  if (response.status !== 200 || !(size <= MAX_EDGE_CACHED_BYTES)) return response;
  const put = cache.put(key, response.clone()).catch(() => {});
  if (defer) defer(put);
  else await put;
  return response;
}
