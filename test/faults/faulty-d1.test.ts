/** The D1 fault wrapper itself: it records write calls, fails the planned one as D1 would, and nothing else. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { everyFault, FaultyD1 } from "../helpers/faulty-d1";

const faulty = new FaultyD1(env.DB);
const db = faulty.binding;
const count = async () => Number(await env.DB.prepare("SELECT count(*) AS n FROM fw").first("n"));

beforeAll(async () => {
  await env.DB.exec("CREATE TABLE fw (v TEXT)");
});

describe("FaultyD1", () => {
  it("records write calls (batches and lone statements) and lets reads through uncounted", async () => {
    faulty.arm(null);
    await db.prepare("SELECT 1").first();
    await db.batch([
      db.prepare("INSERT INTO fw VALUES (?)").bind("a"),
      db.prepare("INSERT INTO fw VALUES ('b')"),
    ]);
    await db.withSession("first-primary").prepare("DELETE FROM fw WHERE v = ?").bind("b").run();
    expect(faulty.calls.map((c) => [c.kind, c.statements.length])).toEqual([
      ["batch", 2],
      ["single", 1],
    ]);
    expect(everyFault(faulty.calls)).toEqual([
      { call: 0, statement: 0 },
      { call: 0, statement: 1 },
      { call: 0, statement: 2 },
      { call: 1, statement: 0 },
    ]);
    expect(await count()).toBe(1);
  });

  it("a batch failing at any statement, the last included, rolls back as a whole", async () => {
    for (const statement of [0, 1, 2]) {
      faulty.arm({ call: 0, statement });
      const before = await count();
      await expect(
        db.batch([db.prepare("INSERT INTO fw VALUES ('x')"), db.prepare("INSERT INTO fw VALUES ('y')")]),
      ).rejects.toThrow(/__edgebase_injected_fault/);
      expect(faulty.fired).toBe(true);
      expect(await count()).toBe(before);
    }
  });

  it("shows a write split over two calls half-written when the second fails (what the fault tests look for)", async () => {
    faulty.arm({ call: 1, statement: 0 });
    const before = await count();
    await db.prepare("INSERT INTO fw VALUES ('first')").run();
    await expect(db.prepare("INSERT INTO fw VALUES ('second')").run()).rejects.toThrow();
    expect(await count()).toBe(before + 1);
    faulty.arm(null);
  });
});
