/** The superuser-only collections admin API (`/api/collections…`), adapting collections/ capabilities. */
import type { Context, Hono } from "hono";
import {
  type CollectionDeps,
  type CollectionStore,
  collectionScaffolds,
  createCollection,
  deleteCollection,
  getCollection,
  importCollections,
  listCollections,
  type SchemaChangeSink,
  toPublicCollection,
  truncateCollection,
  updateCollection,
} from "../../collections";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";
import { deferOf } from "../record-deps";

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
  });
  const guard = requireSuperuser();

  app.get("/api/collections", guard, async (c) => c.json(await listCollections(deps(c), c.req.query())));
  app.post("/api/collections", guard, async (c) =>
    c.json(await createCollection(deps(c), await readJsonObject(c))),
  );
  app.get("/api/collections/meta/scaffolds", guard, (c) => c.json(collectionScaffolds()));
  app.put("/api/collections/import", guard, async (c) => {
    await importCollections(deps(c), await readJsonObject(c));
    return c.body(null, 204);
  });
  app.get("/api/collections/:idOrName", guard, async (c) =>
    c.json(toPublicCollection(await getCollection(deps(c), c.req.param("idOrName")))),
  );
  app.patch("/api/collections/:idOrName", guard, async (c) =>
    c.json(
      await updateCollection(deps(c), { idOrName: c.req.param("idOrName"), body: await readJsonObject(c) }),
    ),
  );
  app.delete("/api/collections/:idOrName", guard, async (c) => {
    await deleteCollection(deps(c), c.req.param("idOrName"));
    return c.body(null, 204);
  });
  app.delete("/api/collections/:idOrName/truncate", guard, async (c) => {
    await truncateCollection(deps(c), c.req.param("idOrName"));
    return c.body(null, 204);
  });
}
