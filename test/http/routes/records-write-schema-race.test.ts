/** Writes racing schema changes: a plan from a stale snapshot is re-planned or refused with a 4xx, never a 500. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import type { AuthRecord } from "../../../src/rules/context";
import { call, createCollection, type Json, SUPERUSER } from "../../records/harness";

/** Another isolate: its own collection store, which sees schema changes only when it revalidates (every 2 s). */
const writer = createEdgebase({
  logLevel: "off",
  realtime: false,
  authenticate: async (c) => {
    const raw = c.req.header("x-test-auth");
    return raw ? (JSON.parse(raw) as AuthRecord) : null;
  },
});

async function write(method: string, path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await writer.request(
    `http://edgebase.test${path}`,
    {
      method,
      headers: { "content-type": "application/json", "x-test-auth": JSON.stringify(SUPERUSER) },
      body: JSON.stringify(body),
    },
    env,
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const posts = "/api/collections/posts/records";

beforeAll(async () => {
  await createCollection({
    name: "posts",
    createRule: "",
    updateRule: "",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "extra", type: "text" },
      { name: "n", type: "number" },
    ],
  });
});

async function setExtra(present: boolean, renamed = false): Promise<void> {
  const current = (await call(SUPERUSER, "GET", "/api/collections/posts")).body;
  const fields = current.fields.filter((f: Json) => f.name !== "extra" && f.name !== "extra2");
  if (present) fields.push({ name: renamed ? "extra2" : "extra", type: "text" });
  const res = await call(SUPERUSER, "PATCH", "/api/collections/posts", { fields });
  expect(res.status).toBe(200);
}

describe("writes during schema changes", () => {
  it("concurrent creates and updates while a field is removed, renamed and re-added: 0 × 5xx", async () => {
    const seeded = await write("POST", posts, { title: "seed", extra: "e" });
    expect(seeded.status).toBe(200);
    // Warm the writer's snapshot so its next writes plan from it while the schema moves underneath.
    expect((await write("PATCH", `${posts}/${seeded.body.id}`, { "n+": 1 })).status).toBe(200);
    const statuses: number[] = [];
    for (let round = 0; round < 6; round++) {
      const results = await Promise.all([
        setExtra(round % 2 === 1, round % 3 === 0),
        ...Array.from({ length: 6 }, (_, i) => write("POST", posts, { title: `r${round}-${i}`, extra: "x" })),
        ...Array.from({ length: 4 }, () =>
          write("PATCH", `${posts}/${seeded.body.id}`, { extra: "y", "n+": 1 }),
        ),
        write("POST", posts, { title: `plain-${round}` }),
      ]);
      for (const r of results) if (r) statuses.push(r.status);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    for (const s of statuses) expect([200, 201, 400, 409]).toContain(s);
    // Writes that name no moving field always go through.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(6);
  });

  it("a write planned on a snapshot older than a field's removal is re-planned, not a 500", async () => {
    await setExtra(true);
    const names = (await call(SUPERUSER, "GET", "/api/collections/posts")).body.fields.map(
      (f: Json) => f.name,
    );
    expect(names).toContain("extra");
    const warm = await write("POST", posts, { title: "warm", extra: "z" });
    expect(warm.body).toMatchObject({ title: "warm" });
    await setExtra(false);
    // The writer still holds the old snapshot (with `extra`): it plans an INSERT naming the removed column.
    const created = await write("POST", posts, { title: "after removal" });
    expect(created.body).toMatchObject({ title: "after removal" });
    expect(created.body.extra).toBeUndefined();
    // A removed field is now an unknown key: ignored, as PocketBase does.
    const ignored = await write("POST", posts, { title: "names it", extra: "z" });
    expect(ignored.status).toBe(200);
    expect(ignored.body.extra).toBeUndefined();
    const updated = await write("PATCH", `${posts}/${warm.body.id}`, { title: "updated after removal" });
    expect(updated.status).toBe(200);
  });
});
