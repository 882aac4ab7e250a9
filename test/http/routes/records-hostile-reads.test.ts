import { beforeAll, describe, expect, it } from "vitest";
import { call, createCollection, SUPERUSER, seed } from "../../records/harness";

let post: { id: string };

beforeAll(async () => {
  const posts = await createCollection({
    name: "hr_posts",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "body", type: "editor" },
    ],
  });
  await createCollection({
    name: "hr_reports",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "reason", type: "text" },
      { name: "target", type: "relation", collectionId: posts.id, maxSelect: 1, hidden: true },
    ],
  });
  post = await seed("hr_posts", { title: "p", body: "<".repeat(990_000) });
  await seed("hr_reports", { reason: "spam", target: post.id });
});

describe("expand through a hidden back-relation (issue 13 #10)", () => {
  it("is a 400 for non-superusers, like the same path in a filter", async () => {
    const filter = await call(
      null,
      "GET",
      `/api/collections/hr_posts/records?filter=${encodeURIComponent("hr_reports_via_target.reason = 'spam'")}`,
    );
    expect(filter.status).toBe(400);
    const list = await call(null, "GET", "/api/collections/hr_posts/records?expand=hr_reports_via_target");
    expect(list.status).toBe(400);
    expect(list.body.data.expand.code).toBe("validation_invalid_expand");
    const view = await call(
      null,
      "GET",
      `/api/collections/hr_posts/records/${post.id}?expand=hr_reports_via_target`,
    );
    expect(view.status).toBe(400);
    expect(JSON.stringify(view.body)).not.toContain("spam");
  });

  it("still expands for superusers", async () => {
    const res = await call(
      SUPERUSER,
      "GET",
      `/api/collections/hr_posts/records/${post.id}?expand=hr_reports_via_target&fields=id,expand.hr_reports_via_target.reason`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: post.id, expand: { hr_reports_via_target: [{ reason: "spam" }] } });
  });
});

describe(":excerpt on hostile HTML (issue 13 #6)", () => {
  it("an editor value of 990k '<' gives its exact one-character excerpt, in a view and a list", async () => {
    const view = await call(
      null,
      "GET",
      `/api/collections/hr_posts/records/${post.id}?fields=body:excerpt(1)`,
    );
    expect(view.status).toBe(200);
    expect(view.body).toEqual({ body: "<" });
    const list = await call(null, "GET", "/api/collections/hr_posts/records?fields=id,body:excerpt(5,true)");
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([{ id: post.id, body: "<<<<<..." }]);
  });
});
