/**
 * The document against a real server: it validates as OpenAPI 3.1 (swagger-parser), and every documented
 * operation, called on the fixture schema, answers a documented status with a body its schema accepts.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, fetchServer, startDevServer, superuserToken } from "../helpers/dev-server.node";
import { FIXTURE_COLLECTIONS, FIXTURE_POST, FIXTURE_VIEW } from "./fixtures";

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are walked as plain JSON.
type Json = any;
const METHODS = ["get", "post", "put", "patch", "delete"] as const;
/**
 * Described, not callable as request/response: an event stream, a WebSocket upgrade, and the OAuth2 popup's
 * HTML pages (test/http/routes/oauth2-redirect.test.ts checks those).
 */
const DESCRIBED_ONLY = new Set([
  "realtimeConnect",
  "realtimeWebSocket",
  "oauth2Redirect",
  "oauth2RedirectFormPost",
]);
const AUTHOR = { email: "walker@example.com", password: "walk-password-1", name: "Walker" };

let server: DevServer;
let token: string;
let superuserId: string;
const ajv = new Ajv2020({ strict: false, allErrors: true });

async function call(method: string, path: string, body?: unknown, auth: string | null = token) {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = auth;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetchServer(server.url + path, {
    method: method.toUpperCase(),
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function documentFor(auth: string | null): Promise<Json> {
  const res = await call("get", "/api/openapi.json", undefined, auth);
  expect(res.status).toBe(200);
  return res.body;
}

/** A value a schema accepts, from its required properties (enough for a documented answer). */
function sample(schema: Json): unknown {
  if (!schema) return {};
  if (schema.enum) return schema.enum.find((v: unknown) => v !== "") ?? schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "object" || schema.properties) {
    return Object.fromEntries(
      (schema.required ?? []).map((k: string) => [k, sample(schema.properties?.[k])]),
    );
  }
  if (type === "array") return (schema.minItems ?? 0) > 0 ? [sample(schema.items)] : [];
  if (type === "integer" || type === "number") return schema.minimum ?? 1;
  if (type === "boolean") return true;
  return "sample";
}

/** Run order: creates first, deletes and logouts last (they end what later calls need). */
function phase(operationId: string): number {
  if (operationId.startsWith("create_")) return 0;
  if (operationId.startsWith("update_")) return 2;
  if (/^(delete_|deleteSession)/.test(operationId)) return 3;
  if (operationId === "truncateCollection") return 4;
  if (operationId === "deleteCollection") return 5;
  if (operationId === "logout") return 6;
  if (operationId === "logoutAll") return 7;
  return 1;
}

beforeAll(async () => {
  server = await startDevServer();
  const signIn = await fetchServer(`${server.url}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: server.email, password: server.password }),
  });
  superuserId = ((await signIn.json()) as Json).record.id;
  token = await superuserToken(server);
  expect((await call("put", "/api/collections/import", { collections: FIXTURE_COLLECTIONS })).status).toBe(
    204,
  );
  expect((await call("post", "/api/collections", FIXTURE_VIEW)).status).toBe(200);
});

afterAll(async () => {
  await server?.stop();
});

describe("the document", () => {
  it("validates as OpenAPI 3.1 for superusers and guests (every field type in the schema)", async () => {
    for (const auth of [token, null]) {
      const doc = await documentFor(auth);
      await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    }
  });

  it("rejects what the validator must catch (the check can fail)", async () => {
    const doc = await documentFor(token);
    doc.paths["/api/health"].get.responses["200"].content["application/json"].schema = { $ref: "#/nope" };
    await expect(SwaggerParser.validate(doc)).rejects.toThrow();
  });
});

describe("/api/docs under wrangler dev", () => {
  it("redirects to the reference, whose HTML and scripts static assets serve with no CDN", async () => {
    const redirect = await fetchServer(`${server.url}/api/docs`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/api/docs/");
    const html = await fetchServer(`${server.url}/api/docs/`);
    expect(html.status).toBe(200);
    const page = await html.text();
    expect(page).toContain('<script src="./scalar.js"></script>');
    expect(page).not.toMatch(/https?:\/\//);
    const scalar = await fetchServer(`${server.url}/api/docs/scalar.js`);
    expect(scalar.status).toBe(200);
    expect(scalar.headers.get("content-type")).toContain("javascript");
    expect((await scalar.text()).length).toBeGreaterThan(1_000_000);
    const script = await (await fetchServer(`${server.url}/api/docs/docs.js`)).text();
    expect(script).toContain("Scalar.createApiReference");
    expect(script).toContain("../openapi.json");
  });
});

describe("every operation answers as documented", () => {
  it("walks the superuser document and checks each response body against its schema", async () => {
    const doc: Json = await SwaggerParser.dereference(structuredClone(await documentFor(token)));
    const ops = Object.entries(doc.paths as Record<string, Json>)
      .flatMap(([path, item]) =>
        METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json })),
      )
      .filter(({ op }) => !DESCRIBED_ONLY.has(op.operationId))
      .sort(
        (a, b) =>
          phase(a.op.operationId) - phase(b.op.operationId) ||
          (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
      );
    const created = new Map<string, string>();
    const outcomes: Record<string, number> = {};
    const failures: string[] = [];
    for (const { path, method, op } of ops) {
      const collection = /^\/api\/collections\/([^/{]+)\//.exec(path)?.[1] ?? "";
      const url = path
        .replace("{idOrName}", "oa_archive")
        .replace("/api/sessions/{id}", "/api/sessions/nosuchsession00")
        .replace("{sessionId}", "nosuchsession00")
        .replace(
          "{id}",
          created.get(collection) ?? (collection === "_superusers" ? superuserId : "nosuchrecord000"),
        );
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      let body: unknown = schema ? sample(schema) : undefined;
      if (op.operationId === "create_oa_posts") body = { ...FIXTURE_POST, author: created.get("oa_authors") };
      if (op.operationId === "create_oa_authors") body = { ...AUTHOR, passwordConfirm: AUTHOR.password };
      if (op.operationId === "create__superusers")
        body = { email: "second@example.com", password: AUTHOR.password, passwordConfirm: AUTHOR.password };
      if (op.operationId === "update_oa_posts") body = { title: "Edited", "views+": 2, "+tags": "b" };
      if (op.operationId === "authWithPassword_oa_authors")
        body = { identity: AUTHOR.email, password: AUTHOR.password };
      if (op.operationId === "authWithPassword__superusers")
        body = { identity: server.email, password: server.password };
      const res = await call(method, url, body);
      outcomes[op.operationId] = res.status;
      const documented = op.responses[String(res.status)];
      const answer = `${op.operationId} answered ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
      if (!documented) {
        failures.push(`${answer}: undocumented status`);
        continue;
      }
      if (!/^\d+\.\d+\.\d+/.test(res.headers.get("x-edgebase-version") ?? ""))
        failures.push(`${answer}: no version`);
      const responseSchema = documented.content?.["application/json"]?.schema;
      if (responseSchema) {
        const validate = ajv.compile(responseSchema);
        if (!validate(res.body)) failures.push(`${answer}: ${JSON.stringify(validate.errors)}`);
      } else if (res.body !== undefined) {
        failures.push(`${answer}: documents no body`);
      }
      if (op.operationId.startsWith("create_") && res.status === 200) created.set(collection, res.body.id);
    }
    expect(failures).toEqual([]);
    // The record operations on the fixture must succeed, not just fail in a documented way.
    for (const name of ["oa_posts", "oa_authors", "oa_archive", "_superusers"]) {
      expect(outcomes[`create_${name}`], name).toBe(200);
      expect(outcomes[`list_${name}`], name).toBe(200);
      expect(outcomes[`view_${name}`], name).toBe(200);
      expect(outcomes[`update_${name}`], name).toBe(200);
      expect(outcomes[`delete_${name}`], name).toBe(204);
    }
    expect(outcomes.list_oa_titles).toBe(200);
    expect(outcomes.authWithPassword_oa_authors).toBe(200);
    expect(outcomes.health).toBe(200);
    expect(outcomes.listCollections).toBe(200);
    // Files and operations work under `wrangler dev` (LOGS gets its migrations too), not just fail as documented.
    const working = ["fileToken", "cleanupFiles", "getSettings", "updateSettings", "listLogs", "logStats"];
    for (const id of [...working, "listBackups", "listCrons"]) expect(outcomes[id], id).toBe(200);
    expect(outcomes.createBackup).toBe(204);
    expect(Object.keys(outcomes).length).toBeGreaterThan(50);
  });

  it("guests' records match the guest schema, which has no hidden fields (a leak would fail it)", async () => {
    token = await superuserToken(server); // the walk ended every session (logout-all)
    const post = await call("post", "/api/collections/oa_posts/records", {
      ...FIXTURE_POST,
      internal: "secret",
    });
    expect(post.status).toBe(200);
    const doc: Json = await SwaggerParser.dereference(structuredClone(await documentFor(null)));
    const list = await call("get", "/api/collections/oa_posts/records", undefined, null);
    const schema =
      doc.paths["/api/collections/oa_posts/records"].get.responses["200"].content["application/json"].schema;
    const validate = ajv.compile(schema);
    expect(validate(list.body), JSON.stringify(validate.errors)).toBe(true);
    expect(list.body.items.length).toBeGreaterThan(0);
    // The superuser's record (with the hidden field) must not pass the guest schema.
    const full = await call("get", `/api/collections/oa_posts/records/${post.body.id}`);
    expect(full.body.internal).toBe("secret");
    expect(ajv.compile(schema.properties.items.items)(full.body)).toBe(false);
  });
});
