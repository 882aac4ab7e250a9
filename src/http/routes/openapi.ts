/** `GET /api/openapi.json`: the OpenAPI document of the live schema, cached per schema version and audience. */
import type { Hono } from "hono";
import { SUPERUSERS } from "../../collections/names";
import type { CollectionStore } from "../../collections/store";
import { LruMap } from "../../lib/lru-map";
import { buildDocument } from "../../openapi";
import type { AppEnv } from "../context";

/** Mounts the OpenAPI route; documents are kept per isolate for the two audiences of a few schema versions. */
export function openapiRoutes(app: Hono<AppEnv>, store: CollectionStore): void {
  // Building walks every collection and runs zod's JSON Schema conversion: worth caching, and small to keep.
  const cache = new LruMap<string, string>(8);
  app.get("/api/openapi.json", async (c) => {
    const snapshot = await store.snapshot(c.var.d1);
    const superuser = c.var.auth?.collectionName === SUPERUSERS;
    const key = `${snapshot.version}:${superuser ? "superuser" : "public"}`;
    let json = cache.get(key);
    if (json === undefined) {
      json = JSON.stringify(
        buildDocument({
          collections: snapshot.collections,
          schemaVersion: snapshot.version,
          audience: { superuser },
        }),
      );
      cache.set(key, json);
    }
    // Guests and superusers get different documents from one URL.
    c.header("vary", "Authorization");
    c.header("cache-control", "no-cache");
    return c.body(json, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
