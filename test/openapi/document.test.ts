/** GET /api/openapi.json through the Worker: audiences, hidden fields, caching per schema version, headers. */
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson } from "../helpers/request";
import { authed, createSuperuser, type Json, signIn } from "../http/routes/auth-helpers";
import { FIXTURE_COLLECTIONS, FIXTURE_VIEW } from "./fixtures";

let superuser: string;

const doc = async (token?: string): Promise<Json> => {
  const res = token ? await authed(token, "/api/openapi.json") : await api("/api/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  return res.json();
};

beforeAll(async () => {
  await createSuperuser("root@example.com");
  superuser = (await signIn("root@example.com", "_superusers")).token;
  const res = await apiJson(
    "PUT",
    "/api/collections/import",
    { collections: FIXTURE_COLLECTIONS },
    { authorization: superuser },
  );
  expect(res.status, await res.text()).toBe(204);
  const view = await apiJson("POST", "/api/collections", FIXTURE_VIEW, { authorization: superuser });
  expect(view.status, await view.text()).toBe(200);
});

describe("guests", () => {
  it("see collections they can list or view, without hidden fields or admin routes", async () => {
    const d = await doc();
    expect(d.openapi).toBe("3.1.0");
    const paths = Object.keys(d.paths);
    expect(paths).toContain("/api/collections/oa_posts/records");
    expect(paths).toContain("/api/collections/oa_posts/records/{id}");
    expect(paths).toContain("/api/collections/oa_titles/records");
    expect(paths.some((p) => p.includes("oa_archive"))).toBe(false);
    expect(paths).not.toContain("/api/collections");
    expect(paths).not.toContain("/api/collections/import");
    const post = d.components.schemas.oa_postsRecord;
    expect(Object.keys(post.properties)).toContain("title");
    expect(Object.keys(post.properties)).not.toContain("internal");
    expect(Object.keys(d.components.schemas.oa_postsCreate.properties)).not.toContain("internal");
    expect(Object.keys(d.components.schemas.oa_authorsRecord.properties)).not.toContain("note");
    expect(Object.keys(d.components.schemas.oa_authorsRecord.properties)).not.toContain("password");
    expect(Object.keys(d.components.schemas.oa_authorsRecord.properties)).not.toContain("tokenKey");
  });

  it("still get the superusers' sign-in route, and no view-collection writes", async () => {
    const d = await doc();
    expect(d.paths["/api/collections/_superusers/auth-with-password"].post).toBeDefined();
    expect(d.paths["/api/collections/_superusers/records"]).toBeUndefined();
    expect(d.paths["/api/collections/oa_titles/records"].post).toBeUndefined();
    expect(d.paths["/api/collections/oa_authors/auth-with-password"].post).toBeDefined();
    const totp = d.paths["/api/collections/oa_authors/auth-with-totp"].post;
    expect(totp.responses["401"].content["application/json"].schema.required).toContain("mfaId");
    expect(d.paths["/api/collections/oa_authors/totp/enroll"].post.security).toEqual([{ bearerAuth: [] }]);
    const status = d.paths["/api/collections/oa_authors/totp"].get;
    expect(status.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(status.responses["200"].content["application/json"].schema.properties)).toEqual([
      "enabled",
      "recoveryCodesLeft",
    ]);
    const methods = d.paths["/api/collections/oa_authors/auth-methods"].get.responses["200"];
    expect(methods.content["application/json"].schema.properties.totp.properties.standalone.type).toBe(
      "boolean",
    );
  });
});

describe("superusers", () => {
  it("see every collection, hidden fields and the admin routes; never secrets", async () => {
    const d = await doc(superuser);
    const paths = Object.keys(d.paths);
    expect(paths).toContain("/api/collections/oa_archive/records");
    expect(paths).toContain("/api/collections/_superusers/records");
    expect(paths).toContain("/api/collections/import");
    expect(paths).toContain("/api/collections/_webhookDeliveries/records");
    expect(d.paths["/api/webhooks/deliveries/{id}/resend"].post).toMatchObject({
      operationId: "resendWebhookDelivery",
      tags: ["webhooks"],
    });
    expect(Object.keys(d.components.schemas.oa_postsRecord.properties)).toContain("internal");
    expect(Object.keys(d.components.schemas.oa_authorsRecord.properties)).toContain("note");
    expect(Object.keys(d.components.schemas.oa_authorsRecord.properties)).not.toContain("password");
  });
});

describe("operations", () => {
  it("carry rules in descriptions, field schemas from the validators and the error shape", async () => {
    const d = await doc(superuser);
    const posts = d.paths["/api/collections/oa_posts/records"];
    expect(posts.get.description).toContain("**listRule**: anyone.");
    expect(d.paths["/api/collections/oa_archive/records"].get.description).toContain("locked");
    expect(d.paths["/api/collections/oa_authors/records/{id}"].patch.description).toContain(
      "`id = @request.auth.id`",
    );
    const props = d.components.schemas.oa_postsRecord.properties;
    expect(props.views).toMatchObject({ type: "integer", minimum: 0 });
    expect(props.score).toMatchObject({ type: "number" });
    expect(props.published).toMatchObject({ type: "boolean" });
    expect(props.status).toMatchObject({ type: "string", enum: ["", "draft", "live"] });
    expect(props.tags).toMatchObject({ type: "array", items: { enum: ["a", "b", "c"] }, maxItems: 3 });
    expect(props.author).toMatchObject({ type: "string" });
    expect(props.related).toMatchObject({ type: "array", items: { type: "string" } });
    expect(props.location).toMatchObject({ type: "object", required: ["lon", "lat"] });
    expect(props.title).toMatchObject({ type: "string", maxLength: 200 });
    const create = d.components.schemas.oa_postsCreate;
    expect(create.required).toEqual(["title"]);
    expect(create.properties.created).toBeUndefined();
    expect(create.properties["views+"]).toBeDefined();
    expect(create.properties["+tags"]).toBeDefined();
    expect(d.components.schemas.oa_authorsCreate.required).toEqual(
      expect.arrayContaining(["email", "password", "passwordConfirm", "name"]),
    );
    expect(posts.get.responses["400"]).toEqual({ $ref: "#/components/responses/Error400" });
    expect(d.components.schemas.Error.required).toEqual(["status", "message", "data"]);
    expect(d.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});

describe("versions", () => {
  it("info.version follows the package and schema versions; the cache follows schema changes", async () => {
    const before = await doc(superuser);
    expect(before.info.version).toMatch(/^\d+\.\d+\.\d+\+schema\.[0-9A-Za-z-]+$/);
    expect((await doc(superuser)).info.version).toBe(before.info.version);
    const res = await apiJson(
      "PATCH",
      "/api/collections/oa_archive",
      { listRule: "" },
      { authorization: superuser },
    );
    expect(res.status).toBe(200);
    const after = await doc();
    expect(after.info.version).not.toBe(before.info.version);
    expect(Object.keys(after.paths)).toContain("/api/collections/oa_archive/records");
  });

  it("every response carries x-edgebase-version, errors and 404s included", async () => {
    const version = (await doc()).info.version.split("+")[0];
    for (const res of [
      await api("/api/health"),
      await api("/api/nope"),
      await api("/api/collections"),
      await apiJson("POST", "/api/collections/oa_posts/records", { title: "" }),
    ]) {
      expect(res.headers.get("x-edgebase-version")).toBe(version);
    }
  });

  it("/api/docs redirects to the reference's static files", async () => {
    const res = await api("/api/docs", { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/api/docs/");
  });
});
