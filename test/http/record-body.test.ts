/** Hostile bodies: `__proto__` never reaches a prototype, deep nesting is a 400 (not a RangeError 500). */
import { beforeAll, describe, expect, it } from "vitest";
import { call, createCollection, SUPERUSER } from "../records/harness";

beforeAll(async () => {
  await createCollection({
    name: "docs",
    createRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "meta", type: "json" },
    ],
  });
});

describe("__proto__ in bodies", () => {
  it("an @jsonPayload __proto__ cannot supply a password (it is stripped, not merged as a prototype)", async () => {
    const form = new FormData();
    // Written as text: an object literal's __proto__ would not survive JSON.stringify.
    form.set(
      "@jsonPayload",
      '{"email":"proto@example.com","__proto__":{"password":"pw from proto 1","passwordConfirm":"pw from proto 1"}}',
    );
    const res = await call(null, "POST", "/api/collections/users/records", form);
    expect(res.status).toBe(400);
    expect(res.body.data.password.code).toBe("validation_required");
  });

  it("a JSON body's __proto__ key is ignored at every level", async () => {
    const res = await call(
      SUPERUSER,
      "POST",
      "/api/collections/docs/records",
      '{"title":"t","__proto__":{"title":"x"},"meta":{"a":{"__proto__":{"polluted":1},"b":2}}}',
    );
    expect(res.status).toBe(200);
    expect(res.body.title).toBe("t");
    expect(res.body.meta).toEqual({ a: { b: 2 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("deeply nested bodies", () => {
  it("answer 400 in the error shape for JSON and @jsonPayload bodies", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const json = await call(SUPERUSER, "POST", "/api/collections/docs/records", `{"meta":${deep}}`);
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ status: 400, data: {} });
    const form = new FormData();
    form.append("@jsonPayload", `{"meta":${deep}}`);
    expect((await call(SUPERUSER, "POST", "/api/collections/docs/records", form)).status).toBe(400);
    const fine = await call(SUPERUSER, "POST", "/api/collections/docs/records", {
      meta: [[["ok"]]],
      title: "[[",
    });
    expect(fine.status).toBe(200);
  });
});
