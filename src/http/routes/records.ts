/** Records routes: list, view, create, update, delete under /api/collections/{c}/records. */
import type { Hono } from "hono";
import { isPasswordHash } from "../../auth/password";
import { createRecord } from "../../records/create";
import { deleteRecord } from "../../records/delete";
import { importFile } from "../../records/import-file";
import { importRecords } from "../../records/import-records";
import { listRecords } from "../../records/list";
import { parseListParams, parseViewParams } from "../../records/query-params";
import { hashRenderedEtag } from "../../records/record-json";
import { updateRecord } from "../../records/update";
import { viewRecord } from "../../records/view";
import { throttleRecordWrite } from "../auth-throttles";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";
import { type Loaded, type ReadCache, serveRead } from "../read-cache";
import { readRecordBody } from "../record-body";
import { type RecordRouteOptions, recordDeps } from "../record-deps";

const BASE = "/api/collections/:collection/records";

/** Mounts the records routes; list and view go through `readCache` when given (see http/read-cache.ts). */
export function recordRoutes(app: Hono<AppEnv>, options: RecordRouteOptions, readCache?: ReadCache): void {
  app.get(BASE, async (c) => {
    const name = c.req.param("collection");
    const params = parseListParams(c.req.query());
    c.set("projected", true);
    return serveRead(c, readCache, recordDeps(c, options), name, { kind: "list", params }, async (deps) => {
      const body = (await listRecords(deps, name, params)) as unknown as Loaded["body"];
      // The list's ETag hashes its body, so any change to any item or to the totals changes it.
      return { body, etag: await hashRenderedEtag(body) };
    });
  });

  app.get(`${BASE}/:id`, async (c) => {
    const [name, id] = [c.req.param("collection"), c.req.param("id")];
    const params = parseViewParams(c.req.query());
    c.set("projected", true);
    return serveRead(
      c,
      readCache,
      recordDeps(c, options),
      name,
      { kind: "view", id, params },
      async (deps) => {
        const result = await viewRecord(deps, name, id, params);
        return { body: result.record as Loaded["body"], etag: result.etag };
      },
    );
  });

  app.post(BASE, async (c) => {
    const params = parseViewParams(c.req.query());
    c.set("projected", true);
    const body = await readRecordBody(c);
    await throttleRecordWrite(c, options.store, { collection: c.req.param("collection"), body });
    const result = await createRecord(recordDeps(c, options, body), c.req.param("collection"), body, params);
    c.header("ETag", result.etag);
    return c.json(result.record as object, 200);
  });

  // Superusers only: `edgebase import pocketbase` upserts records (ids, timestamps, password hashes) here.
  app.post(`${BASE}/import`, async (c) => {
    const body = await readJsonObject(c);
    const deps = { ...recordDeps(c, options), isPasswordHash };
    return c.json(await importRecords(deps, c.req.param("collection"), body));
  });

  // Superusers only: the import copies pb_data/storage here, each file under the name its record holds.
  app.put(`${BASE}/:id/files/:filename`, requireSuperuser(), async (c) => {
    const type = c.req.header("content-type") ?? "";
    const file = new Blob([await c.req.arrayBuffer()], { type });
    const { collection, id, filename } = c.req.param();
    return c.json(await importFile(recordDeps(c, options), collection, id, filename, file));
  });

  app.patch(`${BASE}/:id`, async (c) => {
    const params = parseViewParams(c.req.query());
    c.set("projected", true);
    const body = await readRecordBody(c);
    const [collection, id] = [c.req.param("collection"), c.req.param("id")];
    await throttleRecordWrite(c, options.store, { collection, id, body });
    const deps = recordDeps(c, options, body);
    const result = await updateRecord(deps, c.req.param("collection"), c.req.param("id"), body, params, {
      ifMatch: c.req.header("if-match") ?? null,
    });
    c.header("ETag", result.etag);
    return c.json(result.record as object);
  });

  app.delete(`${BASE}/:id`, async (c) => {
    const body = await readRecordBody(c);
    await deleteRecord(recordDeps(c, options, body), c.req.param("collection"), c.req.param("id"), {
      ifMatch: c.req.header("if-match") ?? null,
    });
    return c.body(null, 204);
  });
}
