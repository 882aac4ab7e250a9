/** Connection leases: the cap, idempotent takes, and the bounded cost of reclaiming leases at the cap. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConnectionLeases, LEASE_RECHECK_MS, MAX_HOLDER_CHECKS } from "../../src/realtime/connection-leases";

/** Runs `fn` with a lease table in a fresh registry object's SQLite. */
function withLeases<T>(name: string, fn: (leases: ConnectionLeases) => Promise<T>): Promise<T> {
  const stub = env.REALTIME_USER.get(env.REALTIME_USER.idFromName(`test:${name}`));
  return runInDurableObject(stub, (_instance, state) => fn(new ConnectionLeases(state.storage.sql)));
}

describe("connection leases", () => {
  it("admit up to the cap; taking a held lease again is free; a release makes room", async () => {
    await withLeases("cap", async (leases) => {
      const alive = async (_holder: string, ids: string[]) => ids;
      expect(await leases.acquire({ id: "a", holder: "hub:h" }, 2, alive)).toBe(true);
      expect(await leases.acquire({ id: "a", holder: "hub:h" }, 2, alive)).toBe(true);
      expect(await leases.acquire({ id: "b", holder: "hub:h" }, 2, alive)).toBe(true);
      expect(await leases.acquire({ id: "c", holder: "hub:h" }, 2, alive)).toBe(false);
      leases.release("a");
      expect(await leases.acquire({ id: "c", holder: "hub:h" }, 2, alive)).toBe(true);
      expect(leases.size()).toBe(2);
    });
  });

  it("a refused acquire asks at most MAX_HOLDER_CHECKS holders, and none again within the recheck delay", async () => {
    await withLeases("cost", async (leases) => {
      const start = 1_000_000;
      const holders = MAX_HOLDER_CHECKS * 3;
      const all = async (_holder: string, ids: string[]) => ids;
      for (let i = 0; i < holders; i++) {
        expect(await leases.acquire({ id: `l${i}`, holder: `hub:h${i}` }, holders, all, start)).toBe(true);
      }
      const asked: string[] = [];
      const stillOpen = async (holder: string, ids: string[]) => {
        asked.push(holder);
        return ids;
      };
      const later = start + LEASE_RECHECK_MS;
      expect(await leases.acquire({ id: "new", holder: "hub:x" }, holders, stillOpen, later)).toBe(false);
      expect(asked).toHaveLength(MAX_HOLDER_CHECKS);
      // Those just confirmed are not asked again; the next refusal asks the next oldest ones.
      expect(await leases.acquire({ id: "new", holder: "hub:x" }, holders, stillOpen, later)).toBe(false);
      expect(asked).toHaveLength(2 * MAX_HOLDER_CHECKS);
      expect(new Set(asked).size).toBe(2 * MAX_HOLDER_CHECKS);
    });
  });

  it("drops the leases a holder no longer has and keeps those of a holder that cannot be asked", async () => {
    await withLeases("reclaim", async (leases) => {
      const start = 2_000_000;
      const all = async (_holder: string, ids: string[]) => ids;
      await leases.acquire({ id: "gone", holder: "hub:reset" }, 2, all, start);
      await leases.acquire({ id: "unknown", holder: "sse:down" }, 2, all, start);
      const check = async (holder: string, _ids: string[]) => {
        if (holder === "sse:down") throw new Error("unreachable");
        return [];
      };
      const later = start + LEASE_RECHECK_MS;
      expect(await leases.acquire({ id: "next", holder: "hub:h" }, 2, check, later)).toBe(true);
      expect(await leases.acquire({ id: "more", holder: "hub:h" }, 2, check, later)).toBe(false);
      expect(leases.size()).toBe(2);
    });
  });
});
