/**
 * Hostile inputs to expand, `:excerpt`, batch bodies and multipart bodies: whatever a client sends, the answer
 * is never a 5xx and every error has the one error shape. Fixed seed in `npm test`; `ROBUSTNESS_RUNS` and
 * `ROBUSTNESS_SEED` run it longer or replay a run (vitest.config.ts).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { propertyRuns } from "../helpers/property-runs";
import { asUser, buildWorld, type World } from "./fixtures";
import { call, type Json, request, SUPERUSER } from "./harness";

/** Runs of one property: the default keeps `npm test` short, ROBUSTNESS_RUNS multiplies it. */
const runs = (fallback: number) => propertyRuns(fallback, 13_024);

let w: World;
beforeAll(async () => {
  w = await buildWorld();
  // A body built to make a naive excerpt quadratic: tags that never close, and entity soup.
  const res = await call(asUser(w.alice), "PATCH", `/api/collections/posts/records/${w.p1.id}`, {
    body: `${"<".repeat(20_000)}${"&amp;<b".repeat(2_000)}<p>tail</p>`,
  });
  expect(res.status).toBe(200);
});

const who = fc.constantFrom("guest", "alice", "superuser");
const authOf = (name: string) =>
  name === "alice" ? asUser(w.alice) : name === "superuser" ? SUPERUSER : null;

/** Statuses each property saw: a property that never reached a 2xx or never a 4xx tested too little. */
const seen = new Map<string, Set<number>>();

/** Asserts the one error shape, and no 5xx. */
function expectSafe(res: { status: number; body: Json }, what: string, property = "") {
  if (property) seen.set(property, (seen.get(property) ?? new Set()).add(Math.floor(res.status / 100)));
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400)
    expect(res.body, what).toMatchObject({
      status: res.status,
      message: expect.any(String),
      data: expect.any(Object),
    });
}

const RELATIONS = [
  "owner",
  "post",
  "author",
  "comments_via_post",
  "posts_via_owner",
  "comments_via_author",
  "tags",
];
const expandPath = fc
  .array(fc.oneof(fc.constantFrom(...RELATIONS), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 9 })
  .map((p) => p.join("."));
const expandValue = fc.oneof(
  fc.array(expandPath, { maxLength: 6 }).map((p) => p.join(",")),
  fc
    .array(fc.constantFrom(...RELATIONS, ".", ",", " ", "_via_", "*", "("), { maxLength: 20 })
    .map((p) => p.join("")),
);
const excerptArg = fc.oneof(
  fc.integer({ min: -5, max: 2_000_000 }).map(String),
  fc.constantFrom("", "true", "false", "1e9", "-0", "x", "0x10", "NaN", "9".repeat(30)),
);
const fieldsValue = fc
  .array(
    fc.oneof(
      fc
        .tuple(
          fc.constantFrom("body", "title", "secret", "nope", "expand.owner.name", "*"),
          excerptArg,
          excerptArg,
        )
        .map(([f, a, b]) => `${f}:excerpt(${a},${b})`),
      fc
        .tuple(fc.constantFrom("body", "title"), fc.string({ maxLength: 12 }))
        .map(([f, s]) => `${f}:excerpt${s}`),
      fc.constantFrom(
        "*",
        "id",
        "expand.owner.*",
        "expand.comments_via_post.message",
        "body:excerpt",
        ":excerpt(1)",
      ),
    ),
    { maxLength: 5 },
  )
  .map((f) => f.join(","));

describe("hostile expand and :excerpt", () => {
  it("random expand and fields (with :excerpt) on lists and views never give a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(who, expandValue, fieldsValue, fc.boolean(), async (name, expand, fields, view) => {
        const query = `expand=${encodeURIComponent(expand)}&fields=${encodeURIComponent(fields)}`;
        const path = view
          ? `/api/collections/posts/records/${w.p1.id}?${query}`
          : `/api/collections/comments/records?${query}`;
        expectSafe(await call(authOf(name), "GET", path), path, "expand");
      }),
      runs(120),
    );
    expect(seen.get("expand")).toEqual(new Set([2, 4]));
  }, 120_000);
});

const method = fc.constantFrom("POST", "PATCH", "PUT", "DELETE", "GET", "post", "", "TRACE");
const url = fc.oneof(
  fc.constantFrom(
    "/api/collections/posts/records",
    "/api/collections/comments/records",
    "/api/collections/locked/records",
    "/api/collections/users/records",
    "/api/collections/_superusers/records",
    "/api/collections/nope/records",
    "/api/batch",
    "/api/collections/posts",
    "/api/collections/posts/records/../../collections",
    "http://evil.example/api/collections/posts/records",
  ),
  fc.constantFrom("/api/collections/posts/records/", "/api/collections/comments/records/").chain((p) =>
    fc.oneof(
      fc.constant(p),
      fc.string({ maxLength: 20 }).map((s) => p + encodeURIComponent(s)),
    ),
  ),
  fc.string({ maxLength: 40 }),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const recordBody = fc.dictionary(
  fc.constantFrom(
    "title",
    "views+",
    "views-",
    "+tags",
    "tags-",
    "tags",
    "owner",
    "post",
    "author",
    "id",
    "secret",
    "message",
    "published",
    "__proto__",
    "constructor",
  ),
  fc.oneof(
    scalar,
    fc.array(scalar, { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 }),
  ),
  { maxKeys: 5 },
);
const batchRequest = fc.record(
  {
    method,
    url,
    body: fc.oneof(recordBody, scalar),
    headers: fc.dictionary(
      fc.string({ maxLength: 10 }),
      fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    ),
  },
  { requiredKeys: [] },
);
const nested = (depth: number): unknown => (depth === 0 ? [] : [nested(depth - 1)]);
const batchBody = fc.oneof(
  fc.record({ requests: fc.array(batchRequest, { maxLength: 6 }) }),
  fc.record({ requests: fc.oneof(scalar, recordBody, fc.constant(nested(5_000))) }),
  fc.oneof(scalar, fc.array(batchRequest, { maxLength: 3 })),
  fc.constantFrom("{", "[]", '{"requests":', "\u0000", "null", `{"requests":${"[".repeat(10_000)}`),
);

describe("hostile batch bodies", () => {
  it("random batches (methods, URLs, bodies, headers, nesting) never give a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(who, batchBody, async (name, body) => {
        const text = typeof body === "string" ? body : JSON.stringify(body);
        expectSafe(await call(authOf(name), "POST", "/api/batch", text), text.slice(0, 120), "batch");
      }),
      runs(120),
    );
    expect(seen.get("batch")).toContain(4);
  }, 120_000);
});

const formValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", "null", "true", "[]", "{}", '["a","b"]', "1e999", "\u0000", "x".repeat(5_000)),
);
const formKey = fc.oneof(
  fc.constantFrom(
    "title",
    "views",
    "views+",
    "+tags",
    "tags",
    "tags-",
    "owner",
    "published",
    "secret",
    "id",
    "@jsonPayload",
    "__proto__",
    "body",
  ),
  // workerd's own FormData refuses to serialize a name ending in a backslash (a client-side error).
  fc.string({ maxLength: 10 }).filter((k) => !k.endsWith("\\")),
);
const jsonPayload = fc.oneof(
  recordBody.map((b) => JSON.stringify(b)),
  fc.constantFrom("{", "[1,2]", "null", '"x"', '{"__proto__":{"owner":"x"}}', `${"[".repeat(5_000)}`),
);

describe("hostile multipart bodies", () => {
  it("random form data (repeated keys, @jsonPayload, modifiers) on create, update and batch never gives a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        who,
        fc.array(fc.tuple(formKey, formValue), { maxLength: 8 }),
        fc.option(jsonPayload),
        fc.constantFrom("create", "update", "batch"),
        async (name, entries, payload, target) => {
          const form = new FormData();
          for (const [k, v] of entries) form.append(k, v);
          if (payload !== null) form.append("@jsonPayload", payload);
          const [m, path] =
            target === "create"
              ? ["POST", "/api/collections/posts/records"]
              : target === "update"
                ? ["PATCH", `/api/collections/posts/records/${w.p2.id}`]
                : ["POST", "/api/batch"];
          const res = await request(authOf(name), m, path, form);
          const text = await res.text();
          const body = text ? JSON.parse(text) : null;
          expectSafe(
            { status: res.status, body },
            `${target} ${JSON.stringify(entries).slice(0, 120)}`,
            "form",
          );
        },
      ),
      runs(120),
    );
    expect(seen.get("form")).toContain(4);
    // The same path with a sane form succeeds, so the property exercised the real write path.
    const form = new FormData();
    form.append("title", "form ok");
    form.append("@jsonPayload", JSON.stringify({ views: 3 }));
    const ok = await request(asUser(w.alice), "PATCH", `/api/collections/posts/records/${w.p2.id}`, form);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).views).toBe(3);
  }, 120_000);

  it("malformed multipart framing never gives a 5xx", async () => {
    const part = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b--\r\n',
        '--b\r\nContent-Disposition: form-data; name="@jsonPayload"\r\n\r\n{"title":\r\n--b--\r\n',
        "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
        "--b\r\n\r\n\r\n--b--",
        '--b\r\nContent-Disposition: form-data; name="title"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n',
        "--c\r\nnope",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        who,
        fc.array(part, { maxLength: 3 }),
        fc.constantFrom(
          "multipart/form-data; boundary=b",
          "multipart/form-data",
          "multipart/form-data; boundary=",
          "multipart/mixed; boundary=b",
        ),
        fc.constantFrom("/api/collections/posts/records", "/api/batch"),
        async (name, parts, type, path) => {
          const res = await request(authOf(name), "POST", path, parts.join(""), { "content-type": type });
          const text = await res.text();
          expectSafe(
            { status: res.status, body: text ? JSON.parse(text) : null },
            `${type} ${parts.join("").slice(0, 80)}`,
          );
        },
      ),
      runs(80),
    );
  }, 120_000);
});
