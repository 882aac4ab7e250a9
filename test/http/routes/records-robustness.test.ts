import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { asUser, buildWorld, type World } from "../../records/fixtures";
import { call, SUPERUSER } from "../../records/harness";

let w: World;

beforeAll(async () => {
  w = await buildWorld();
});

const pieces = [
  "title",
  "owner.name",
  "comments_via_post.message",
  "tags",
  "@request.auth.id",
  "=",
  "?=",
  "~",
  "&&",
  "||",
  "(",
  ")",
  '"x"',
  "'y'",
  "1",
  "null",
  "@now",
  ":lower",
  ":length",
  ",",
  "-",
  ".",
  "expand",
  "*",
  ":excerpt(3,true)",
  "%",
  "_",
  "\\",
];
const junk = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(" ")),
  fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join("")),
);

it("random list parameters never cause a 500", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("filter", "sort", "expand", "fields", "page", "perPage", "cursor", "skipTotal"),
      junk,
      fc.constantFrom("guest", "superuser", "alice"),
      async (param, value, who) => {
        const auth = who === "alice" ? asUser(w.alice) : who === "superuser" ? SUPERUSER : null;
        const res = await call(
          auth,
          "GET",
          `/api/collections/posts/records?${param}=${encodeURIComponent(value)}`,
        );
        expect(res.status, `${param}=${value}`).toBeLessThan(500);
        if (res.status >= 400)
          expect(res.body).toMatchObject({ status: res.status, message: expect.any(String) });
      },
    ),
    { numRuns: 150 },
  );
});

it("random write bodies never cause a 500", async () => {
  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
  );
  const key = fc.constantFrom(
    "title",
    "views",
    "views+",
    "tags",
    "+tags",
    "tags-",
    "owner",
    "published",
    "secret",
    "id",
    "slug",
    "body",
    "nope",
    "created",
  );
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(key, value, { maxKeys: 5 }),
      fc.constantFrom("POST", "PATCH"),
      async (body, method) => {
        const path =
          method === "POST" ? "/api/collections/posts/records" : `/api/collections/posts/records/${w.p2.id}`;
        const res = await call(asUser(w.alice), method, path, { owner: w.alice.id, ...body });
        expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      },
    ),
    { numRuns: 100 },
  );
});
