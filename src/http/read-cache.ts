/** The Hono adapter of the read cache (cache/read-cache): `x-edgebase-cache`, ETags and 304s on list and view. */
import type { Context } from "hono";
import { type CacheableRead, type Loaded, type ReadCache, readThrough } from "../cache/read-cache";
import { renderedJson } from "../lib/etag";
import type { RecordDeps } from "../records/deps";
import { ifMatchSatisfied } from "../records/record-json";
import type { AppEnv } from "./context";
import { deferOf } from "./record-deps";

export type { Loaded, ReadCache } from "../cache/read-cache";

/**
 * Answers a list or view through `readThrough`. Sets `x-edgebase-cache: hit|miss|bypass` and the ETag, and
 * answers 304 when If-None-Match names it (authenticated reads too: a 304 tells the client nothing it does
 * not have).
 */
export async function serveRead(
  c: Context<AppEnv>,
  readCache: ReadCache | undefined,
  deps: RecordDeps,
  collectionName: string,
  read: CacheableRead,
  load: (deps: RecordDeps) => Promise<Loaded>,
): Promise<Response> {
  // Set before loading so an error response (404, 400) says it too.
  c.header("x-edgebase-cache", "bypass");
  const request = {
    caller: { guest: !c.get("auth"), authorization: c.req.header("authorization") !== undefined },
    collectionName,
    read,
    deps,
    primary: () => c.get("sessions").primary().d1,
    defer: deferOf(c),
    log: c.get("log"),
  };
  const { loaded, status } = await readThrough(readCache, request, load, () =>
    c.header("x-edgebase-cache", "miss"),
  );
  c.header("x-edgebase-cache", status);
  c.header("ETag", loaded.etag);
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch && ifMatchSatisfied(ifNoneMatch, loaded.etag)) return c.body(null, 304);
  // A list body was serialized once already, for its ETag: that text is sent as it is.
  const text = renderedJson(loaded.body);
  if (text === undefined) return c.json(loaded.body as object);
  return c.body(text, 200, { "content-type": "application/json" });
}
