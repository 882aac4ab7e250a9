/** The superuser-only collections admin API (`/api/collections…`), adapting collections/ capabilities. */
import type { Context, Hono } from "hono";
import { listProviders } from "../../auth/oauth2/providers";
import {
  type CollectionDeps,
  type CollectionStore,
  collectionEtag,
  collectionScaffolds,
  createCollection,
  deleteCollection,
  dryRunView,
  getCollection,
  importCollections,
  listCollections,
  type PublicCollection,
  type SchemaChangeSink,
  schemaEtag,
  toPublicCollection,
  truncateCollection,
  updateCollection,
} from "../../collections";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";
import { deferOf } from "../record-deps";

/** The header carrying the whole schema's ETag (`PUT /api/collections/import` takes it as `If-Match`). */
export const SCHEMA_ETAG_HEADER = "x-edgebase-schema-etag";

/** Answers a collection's JSON with its ETag (the version `PATCH` with `If-Match` expects). */
async function withEtag(c: Context<AppEnv>, collection: PublicCollection): Promise<Response> {
  c.header("ETag", await collectionEtag(collection));
  return c.json(collection);
}

/**
 * Mounts the collections admin routes; `store` is the app's per-isolate collection store, `schemaChanges`
 * hears of every committed schema change and truncate.
 */
export function collectionRoutes(
  app: Hono<AppEnv>,
  store: CollectionStore,
  schemaChanges?: SchemaChangeSink,
): void {
  // Schema administration reads and writes on the primary: validation must see the latest definitions.
  const deps = (c: Context<AppEnv>): CollectionDeps => ({
    db: c.var.sessions.primary().d1,
    store,
    schemaChanges,
    defer: deferOf(c),
    files: c.env.FILES,
  });
  const guard = requireSuperuser();

  app.get("/api/collections", guard, async (c) => {
    const d = deps(c);
    // Read before the page, so a change in between makes the ETag older than the page (a safe 412 later).
    c.header(SCHEMA_ETAG_HEADER, schemaEtag(await d.store.load(d.db)));
    return c.json(await listCollections(d, c.req.query()));
  });
  app.post("/api/collections", guard, async (c) =>
    withEtag(c, await createCollection(deps(c), await readJsonObject(c))),
  );
  app.get("/api/collections/meta/scaffolds", guard, (c) => c.json(collectionScaffolds()));
  app.get("/api/collections/meta/oauth2-providers", guard, (c) => c.json(listProviders()));
  app.post("/api/collections/meta/dry-run-view", guard, async (c) =>
    c.json(await dryRunView(deps(c), await readJsonObject(c))),
  );
  app.put("/api/collections/import", guard, async (c) => {
    const body = await readJsonObject(c);
    await importCollections(deps(c), body, {
      ifMatch: c.req.header("if-match"),
      settled: (etag) => c.header(SCHEMA_ETAG_HEADER, etag),
    });
    return c.body(null, 204);
  });
  app.get("/api/collections/:idOrName", guard, async (c) =>
    withEtag(c, toPublicCollection(await getCollection(deps(c), c.req.param("idOrName")))),
  );
  app.patch("/api/collections/:idOrName", guard, async (c) => {
    const idOrName = c.req.param("idOrName");
    const body = await readJsonObject(c);
    return withEtag(
      c,
      await updateCollection(deps(c), { idOrName, body, ifMatch: c.req.header("if-match") }),
    );
  });
  app.delete("/api/collections/:idOrName", guard, async (c) => {
    await deleteCollection(deps(c), c.req.param("idOrName"));
    return c.body(null, 204);
  });
  app.delete("/api/collections/:idOrName/truncate", guard, async (c) => {
    await truncateCollection(deps(c), c.req.param("idOrName"));
    return c.body(null, 204);
  });
}
