/** Files: `GET /api/files/{collection}/{recordId}/{filename}` under the record's viewRule, and file tokens. */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { createFileToken, verifyFileToken } from "../../auth/file-token";
import { subjectLoader, toAuthRecord } from "../../auth/flows/auth-records";
import { ruleContext } from "../../auth/rule-context";
import { TokenError } from "../../auth/token-error";
import type { CollectionStore } from "../../collections/store";
import { forbidden, internalError, notFound, unauthorized } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import { findViewableFile } from "../../records/file-access";
import { sweepOrphanFiles } from "../../records/file-sweep";
import type { AuthRecord } from "../../rules/context";
import { fileKey, thumbKey } from "../../storage/keys";
import { ensureThumb } from "../../storage/thumbnails";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";
import { cachedFile, edgeCache, fileCacheKey, fillCache } from "../file-cache";
import { serveObject } from "../file-response";
import { requireSuperuser } from "../middleware/require-superuser";
import { deferOf, recordDeps } from "../record-deps";

/** What the files routes are built with. */
export interface FileRouteOptions {
  store: CollectionStore;
}

/** How long browsers may keep a file whose record anyone may view (a new upload gets a new name). */
const PUBLIC_MAX_AGE = 2_592_000;

/** The caller a `?token=` file token names; null for a missing or refused token. */
async function fileTokenCaller(c: Context<AppEnv>, store: CollectionStore): Promise<AuthRecord | null> {
  const token = c.req.query("token");
  if (!token) return null;
  try {
    const { record } = await verifyFileToken(token, subjectLoader({ db: c.var.d1, store }));
    return toAuthRecord(record.collection, record.row);
  } catch (err) {
    if (err instanceof TokenError) return null;
    throw err;
  }
}

const sweepSchema = z.object({
  minAgeMs: z.number().int().min(0).max(31_536_000_000).optional(),
  maxObjects: z.number().int().min(1).max(100_000).optional(),
  cursor: z.string().max(1024).optional(),
});

/** Mounts the files routes. */
export function fileRoutes(app: Hono<AppEnv>, options: FileRouteOptions): void {
  app.post("/api/files/token", async (c) => {
    const auth = c.var.auth;
    if (!auth) throw unauthorized();
    const subject = await subjectLoader({ db: c.var.d1, store: options.store }).subject(
      auth.collectionId,
      auth.id,
    );
    if (!subject) throw unauthorized();
    return c.json({ token: await createFileToken(subject.record.collection, subject.record.row) });
  });

  // The orphan sweep on demand (superusers); the cron runner calls sweepOrphanFiles the same way.
  app.post("/api/files/cleanup", requireSuperuser(), async (c) => {
    const input = parseInput(sweepSchema, await readJsonObject(c));
    if (!c.env.FILES) throw internalError(new Error("files: no FILES bucket bound"));
    const result = await sweepOrphanFiles({ db: c.var.d1, store: options.store, files: c.env.FILES }, input);
    return c.json(result);
  });

  app.get("/api/files/:collection/:recordId/:filename", async (c) => {
    const bucket = c.env.FILES;
    if (!bucket) throw internalError(new Error("files: no FILES bucket bound"));
    const base = recordDeps(c, { store: options.store, changes: { emit: async () => {} } });
    // As PocketBase: a protected file's caller is the one its file token names (a URL in an <img> carries no
    // header); other files also accept the Authorization header.
    const tokenCaller = await fileTokenCaller(c, options.store);
    const otherCaller = tokenCaller ?? c.var.auth ?? null;
    const ctxOf = (auth: AuthRecord | null) =>
      ruleContext({ auth, method: "GET", headers: c.req.raw.headers, query: c.req.query() });
    const protectedCtx = ctxOf(tokenCaller);
    // The same context for the same caller: the rule is then computed once in the record's SELECT.
    const otherCtx = otherCaller === tokenCaller ? protectedCtx : ctxOf(otherCaller);
    const { target, allowed } = await findViewableFile(
      base,
      c.req.param("collection"),
      c.req.param("recordId"),
      c.req.param("filename"),
      { protectedCtx, otherCtx },
    );
    if (!allowed) {
      if (target.field.protected) throw forbidden("Insufficient permissions to access the file resource.");
      throw notFound();
    }
    const { collection } = target.ref;
    const open = !target.field.protected && collection.viewRule === "";
    const original = fileKey(collection.id, target.recordId, target.filename);
    // Only the field's listed sizes are made; any other `thumb` serves the original, as in PocketBase.
    const size = c.req.query("thumb") ?? "";
    const thumbSize = target.field.thumbs.includes(size) ? size : "";
    const download = ["1", "true", "t"].includes(c.req.query("download") ?? "");
    // Only files anyone may view enter the edge cache (never protected ones or rule-guarded records), looked up
    // after the record and rule checks above; ranges go to R2, which serves them without reading the rest.
    const cache = open && !c.req.header("range") ? edgeCache() : undefined;
    const cacheKey = fileCacheKey(c.req.url, {
      collectionId: collection.id,
      recordId: target.recordId,
      filename: target.filename,
      thumb: thumbSize,
      download,
    });
    const hit = cache ? await cachedFile(cache, cacheKey, c.req.raw) : undefined;
    if (hit) return hit;
    const thumb = thumbSize
      ? await ensureThumb(
          bucket,
          original,
          thumbKey(collection.id, target.recordId, target.filename, thumbSize),
          thumbSize,
        )
      : undefined;
    const response = await serveObject(
      bucket,
      thumb ?? original,
      thumb ? `${thumbSize}_${target.filename}` : target.filename,
      c.req.raw,
      { download, cacheControl: open ? `public, max-age=${PUBLIC_MAX_AGE}` : "private, no-store" },
    );
    return cache ? fillCache(cache, cacheKey, response, deferOf(c)) : response;
  });
}
