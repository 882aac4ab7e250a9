/** Records routes: list, view, create, update, delete under /api/collections/{c}/records. */
import type { Hono } from "hono";
import { createRecord } from "../../records/create";
import { deleteRecord } from "../../records/delete";
import { listRecords } from "../../records/list";
import { parseListParams, parseViewParams } from "../../records/query-params";
import { updateRecord } from "../../records/update";
import { viewRecord } from "../../records/view";
import type { AppEnv } from "../context";
import { readRecordBody } from "../record-body";
import { type RecordRouteOptions, recordDeps } from "../rule-context";

const BASE = "/api/collections/:collection/records";

/** Mounts the records routes. */
export function recordRoutes(app: Hono<AppEnv>, options: RecordRouteOptions): void {
  app.get(BASE, async (c) => {
    const params = parseListParams(c.req.query());
    return c.json(await listRecords(recordDeps(c, options), c.req.param("collection"), params));
  });

  app.get(`${BASE}/:id`, async (c) => {
    const params = parseViewParams(c.req.query());
    const result = await viewRecord(
      recordDeps(c, options),
      c.req.param("collection"),
      c.req.param("id"),
      params,
    );
    c.header("ETag", result.etag);
    return c.json(result.record as object);
  });

  app.post(BASE, async (c) => {
    const params = parseViewParams(c.req.query());
    const body = await readRecordBody(c);
    const result = await createRecord(recordDeps(c, options, body), c.req.param("collection"), body, params);
    c.header("ETag", result.etag);
    return c.json(result.record as object, 201);
  });

  app.patch(`${BASE}/:id`, async (c) => {
    const params = parseViewParams(c.req.query());
    const body = await readRecordBody(c);
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
