/**
 * Every multi-statement write, with D1 failing at each statement of each of its write calls: nothing is ever
 * half-written. (Webhook outbox and files do not exist yet; their writes join this table when they land.)
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { everyFault, type FaultPlan, FaultyD1 } from "../helpers/faulty-d1";
import { app, call, createCollection, type Json, SUPERUSER, seed } from "../records/harness";

const faulty = new FaultyD1(env.DB);
const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };

/** The superuser's request through the app with the wrapped D1 binding. */
async function faultedCall(method: string, path: string, body?: unknown) {
  const res = await app.request(
    `http://edgebase.test${path}`,
    {
      method,
      headers: { "content-type": "application/json", "x-test-auth": JSON.stringify(SUPERUSER) },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    { ...env, DB: faulty.binding },
  );
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

/** Every state a scenario may be in; anything but "none" or "all" is a half-written write. */
type State = "none" | "all" | string;

interface Scenario {
  /** Builds fresh fixtures for run `n` and returns the request to fault and the state reader. */
  setUp(n: number): Promise<{ method: string; path: string; body?: unknown; state: () => Promise<State> }>;
}

/**
 * Runs the request once unfaulted to learn its write calls, then once per fault plan on fresh fixtures: a
 * refused request leaves "none", an acknowledged one "all" (a retry inside the app may recover), never a mix.
 */
async function checkEveryFault(scenario: Scenario): Promise<FaultPlan[]> {
  const probe = await scenario.setUp(0);
  faulty.arm(null);
  const ok = await faultedCall(probe.method, probe.path, probe.body);
  expect(ok.status, JSON.stringify(ok.body)).toBeLessThan(300);
  expect(await probe.state()).toBe("all");
  const plans = everyFault(faulty.calls);
  expect(plans.length).toBeGreaterThan(0);
  for (const [i, plan] of plans.entries()) {
    const run = await scenario.setUp(i + 1);
    expect(await run.state()).toBe("none");
    faulty.arm(plan);
    const res = await faultedCall(run.method, run.path, run.body);
    expect(faulty.fired, `fault ${JSON.stringify(plan)} never fired`).toBe(true);
    faulty.arm(null);
    const state = await run.state();
    const where = `fault ${JSON.stringify(plan)} → ${res.status}`;
    if (res.status < 300) expect(state, where).toBe("all");
    else {
      expect(state, where).toBe("none");
      expect(res.body, where).toMatchObject({
        status: res.status,
        message: expect.any(String),
        data: expect.any(Object),
      });
    }
  }
  return plans;
}

const rowCount = async (sql: string, ...params: unknown[]) =>
  Number(
    await env.DB.prepare(sql)
      .bind(...params)
      .first("n"),
  );

/** Field names a collection's stored definition lists, and the columns its table really has. */
async function fieldsAndColumns(name: string): Promise<{ fields: string[]; columns: string[] }> {
  const row = await env.DB.prepare("SELECT fields FROM _collections WHERE name = ?")
    .bind(name)
    .first<{ fields: string }>();
  const columns = await env.DB.prepare("SELECT name FROM pragma_table_info(?)")
    .bind(name)
    .all<{ name: string }>();
  return {
    fields: row ? (JSON.parse(row.fields) as { name: string }[]).map((f) => f.name).sort() : [],
    columns: columns.results.map((c) => c.name).sort(),
  };
}

const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(15 - prefix.length, "0")}`;

describe("a D1 batch failing at its Nth statement leaves nothing half-written", () => {
  it("POST /api/batch: creates, an update and a delete", async () => {
    const plans = await checkEveryFault({
      async setUp(n) {
        const name = `fb${n}`;
        await createCollection({ name, type: "base", ...OPEN, fields: [{ name: "title", type: "text" }] });
        const kept = await seed(name, { title: "old" });
        const gone = await seed(name, { title: "doomed" });
        const created = [id("fba", n), id("fbb", n)];
        return {
          method: "POST",
          path: "/api/batch",
          body: {
            requests: [
              ...created.map((rid) => ({
                method: "POST",
                url: `/api/collections/${name}/records`,
                body: { id: rid, title: "new" },
              })),
              {
                method: "PATCH",
                url: `/api/collections/${name}/records/${kept.id}`,
                body: { title: "changed" },
              },
              { method: "DELETE", url: `/api/collections/${name}/records/${gone.id}` },
            ],
          },
          state: async () => {
            const made = await rowCount(`SELECT count(*) AS n FROM ${name} WHERE id IN (?, ?)`, ...created);
            const title = await env.DB.prepare(`SELECT title FROM ${name} WHERE id = ?`)
              .bind(kept.id)
              .first("title");
            const left = await rowCount(`SELECT count(*) AS n FROM ${name} WHERE id = ?`, gone.id);
            const parts = [made === 2, title === "changed", left === 0];
            return parts.every(Boolean) ? "all" : parts.some(Boolean) ? `half: ${parts}` : "none";
          },
        };
      },
    });
    expect(plans.length).toBeGreaterThanOrEqual(4);
  });

  it("DELETE of a record with cascading dependants and references to clear", async () => {
    await checkEveryFault({
      async setUp(n) {
        const parent = await createCollection({
          name: `fp${n}`,
          type: "base",
          ...OPEN,
          fields: [{ name: "t", type: "text" }],
        });
        await createCollection({
          name: `fc${n}`,
          type: "base",
          ...OPEN,
          fields: [
            { name: "p", type: "relation", collectionId: parent.id, maxSelect: 1, cascadeDelete: true },
          ],
        });
        await createCollection({
          name: `fr${n}`,
          type: "base",
          ...OPEN,
          fields: [
            { name: "ps", type: "relation", collectionId: parent.id, maxSelect: 5, cascadeDelete: false },
          ],
        });
        const p = await seed(`fp${n}`, { t: "p" });
        const q = await seed(`fp${n}`, { t: "q" });
        const kids = [await seed(`fc${n}`, { p: p.id }), await seed(`fc${n}`, { p: p.id })];
        const ref = await seed(`fr${n}`, { ps: [p.id, q.id] });
        return {
          method: "DELETE",
          path: `/api/collections/fp${n}/records/${p.id}`,
          state: async () => {
            const parentLeft = await rowCount(`SELECT count(*) AS n FROM fp${n} WHERE id = ?`, p.id);
            const kidsLeft = await rowCount(
              `SELECT count(*) AS n FROM fc${n} WHERE id IN (?, ?)`,
              kids[0].id,
              kids[1].id,
            );
            const refs = JSON.parse(
              String(await env.DB.prepare(`SELECT ps FROM fr${n} WHERE id = ?`).bind(ref.id).first("ps")),
            );
            const parts = [parentLeft === 0, kidsLeft === 0, !refs.includes(p.id)];
            expect(refs).toContain(q.id);
            return parts.every(Boolean) ? "all" : parts.some(Boolean) ? `half: ${parts}` : "none";
          },
        };
      },
    });
  });

  it("POST /api/collections with an index", async () => {
    await checkEveryFault({
      async setUp(n) {
        const name = `fn${n}`;
        return {
          method: "POST",
          path: "/api/collections",
          body: {
            name,
            type: "base",
            fields: [{ name: "slug", type: "text" }],
            indexes: [`CREATE UNIQUE INDEX idx_${name}_slug ON ${name} (slug)`],
          },
          state: async () => {
            const row = await rowCount("SELECT count(*) AS n FROM _collections WHERE name = ?", name);
            const table = await rowCount(
              "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
              name,
            );
            const index = await rowCount(
              "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = ?",
              `idx_${name}_slug`,
            );
            const parts = [row === 1, table === 1, index === 1];
            return parts.every(Boolean) ? "all" : parts.some(Boolean) ? `half: ${parts}` : "none";
          },
        };
      },
    });
  });

  it("PATCH /api/collections: a field removed, one renamed, one added, data kept", async () => {
    await checkEveryFault({
      async setUp(n) {
        const name = `fu${n}`;
        const made = await createCollection({
          name,
          type: "base",
          ...OPEN,
          fields: [
            { name: "a", type: "text" },
            { name: "b", type: "text" },
          ],
        });
        const row = await seed(name, { a: "kept", b: "dropped" });
        const current = (await call(SUPERUSER, "GET", `/api/collections/${name}`)).body;
        const fields = (current.fields as Json[])
          .filter((f) => f.name !== "b")
          .map((f) => (f.name === "a" ? { ...f, name: "a2" } : f));
        fields.push({ name: "c", type: "number" });
        const before = await fieldsAndColumns(name);
        expect(made.name).toBe(name);
        return {
          method: "PATCH",
          path: `/api/collections/${name}`,
          body: { fields },
          state: async () => {
            const now = await fieldsAndColumns(name);
            // The stored definition and the table must always agree, whatever happened.
            expect(now.fields).toEqual(now.columns);
            const value = await env.DB.prepare(`SELECT * FROM ${name} WHERE id = ?`)
              .bind(row.id)
              .first<Json>();
            if (JSON.stringify(now) === JSON.stringify(before))
              return value?.a === "kept" ? "none" : "data lost";
            const isNew = now.fields.includes("a2") && now.fields.includes("c") && !now.fields.includes("b");
            return isNew && value?.a2 === "kept" ? "all" : `half: ${JSON.stringify(now.fields)}`;
          },
        };
      },
    });
  });

  it("PUT /api/collections/import of two new collections, one relating to the other", async () => {
    await checkEveryFault({
      async setUp(n) {
        const [a, b] = [`fia${n}`, `fib${n}`];
        const aId = `pbc_fia${String(n).padStart(8, "0")}`;
        return {
          method: "PUT",
          path: "/api/collections/import",
          body: {
            deleteMissing: false,
            collections: [
              { id: aId, name: a, type: "base", fields: [{ name: "t", type: "text" }] },
              {
                name: b,
                type: "base",
                fields: [{ name: "r", type: "relation", collectionId: aId, maxSelect: 1 }],
              },
            ],
          },
          state: async () => {
            const rows = await rowCount("SELECT count(*) AS n FROM _collections WHERE name IN (?, ?)", a, b);
            const tables = await rowCount(
              "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
              a,
              b,
            );
            return rows === 2 && tables === 2
              ? "all"
              : rows === 0 && tables === 0
                ? "none"
                : `half: ${rows} rows, ${tables} tables`;
          },
        };
      },
    });
  });

  it("DELETE /api/collections/{c}: definition and table go together", async () => {
    await checkEveryFault({
      async setUp(n) {
        const name = `fd${n}`;
        await createCollection({ name, type: "base", ...OPEN, fields: [{ name: "t", type: "text" }] });
        await seed(name, { t: "x" });
        return {
          method: "DELETE",
          path: `/api/collections/${name}`,
          state: async () => {
            const row = await rowCount("SELECT count(*) AS n FROM _collections WHERE name = ?", name);
            const table = await rowCount(
              "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
              name,
            );
            return row === 0 && table === 0
              ? "all"
              : row === 1 && table === 1
                ? "none"
                : `half: ${row} row, ${table} table`;
          },
        };
      },
    });
  });
});
