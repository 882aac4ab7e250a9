import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EventLog, PRUNE_EVERY } from "../../src/realtime/event-log";
import type { RealtimeHub } from "../../src/realtime/hub";
import { realtimeSink } from "../../src/realtime/publish";
import { change, collectionDef, connectHub, hubStub, user } from "./helpers";

const sink = realtimeSink(env.REALTIME_HUB);
const notes = collectionDef({
  name: "notes",
  listRule: "owner = @request.auth.id",
  viewRule: "owner = @request.auth.id",
});
const hub = { kind: "collection", name: "notes" } as const;

describe("hibernation and resume", () => {
  it("still delivers after the object is evicted with its sockets hibernated (state rebuilt from attachments)", async () => {
    const alice = await connectHub(hub, { auth: user("alice") });
    // An auth record past 2 KB: its state spills to SQLite and must survive the eviction too.
    const big = await connectHub(hub, { auth: user("bob", { bio: "x".repeat(3_000) }) });
    await alice.subscribe("notes/*", { filter: "title != 'skip'" });
    await big.subscribe("notes/*");
    await evictDurableObject(hubStub("notes"), { webSockets: "hibernate" });
    await sink.emit([change("create", notes, { id: "n0", owner: "alice", title: "skip" })]);
    await sink.emit([change("create", notes, { id: "n1", owner: "alice", title: "a" })]);
    await sink.emit([change("create", notes, { id: "n2", owner: "bob", title: "b" })]);
    expect((await alice.next()).record).toMatchObject({ id: "n1" });
    expect((await big.next()).record).toMatchObject({ id: "n2" });
    expect(await hubStub("notes").ping()).toMatchObject({ sockets: 2 });
  });

  it("replays the events after `since` that the subscriber may see, in order", async () => {
    const first = await connectHub(hub, { auth: user("carol") });
    const ack = await first.subscribe("notes/*");
    await sink.emit([change("create", notes, { id: "r1", owner: "carol" })]);
    const seen = await first.next();
    first.ws.close(1000);
    await sink.emit([change("update", notes, { id: "r1", owner: "carol", title: "t" })]);
    await sink.emit([change("create", notes, { id: "r2", owner: "dave" })]);
    await sink.emit([change("delete", notes, { id: "r1", owner: "carol", title: "t" })]);
    const again = await connectHub(hub, { auth: user("carol"), since: seen.seq });
    expect(await again.subscribe("notes/*")).toMatchObject({ type: "subscribed", seq: ack.seq + 4 });
    const replayed = [await again.next(), await again.next()];
    expect(replayed.map((m) => [m.action, m.record.id, m.seq])).toEqual([
      ["update", "r1", seen.seq + 1],
      ["delete", "r1", seen.seq + 3],
    ]);
    await again.expectQuiet("notes/none");
    // A subscribe message may carry its own `since`, overriding the connection's.
    const third = await connectHub(hub, { auth: user("carol") });
    await third.subscribe("notes/r1", { since: seen.seq + 2 });
    expect((await third.next()).action).toBe("delete");
  });

  it("answers resync when `since` is beyond this log", async () => {
    const s = await connectHub(hub, { auth: user("erin"), since: 1_000_000 });
    const ack = await s.subscribe("notes/*");
    expect(await s.next()).toEqual({ type: "resync", topic: "notes/*", seq: ack.seq });
  });
});

describe("EventLog", () => {
  it("keeps a bounded tail and reports resync for gaps older than it", async () => {
    const stub = env.REALTIME_HUB.get(env.REALTIME_HUB.idFromName("log-test"));
    await runInDurableObject(stub, (_instance: RealtimeHub, state) => {
      const log = new EventLog(state.storage.sql, 3);
      expect(log.last()).toBe(0);
      expect(log.after(0)).toEqual([]);
      const event = (id: string) => ({
        action: "create" as const,
        collection: { id: "c", name: "c", type: "base" as const, listRule: "", viewRule: "", hidden: [] },
        record: { id },
      });
      const seqs = ["a", "b", "c", "d", "e"].map((id) => log.append(event(id)));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect(log.after(2)).toEqual([
        { seq: 3, event: event("c") },
        { seq: 4, event: event("d") },
        { seq: 5, event: event("e") },
      ]);
      expect(log.after(1)).toBe("resync");
      expect(log.after(5)).toEqual([]);
      expect(log.after(6)).toBe("resync");
    });
  });

  it("prunes in steps yet reaches back exactly `size` events, and resumes its numbering after a restart", async () => {
    const stub = env.REALTIME_HUB.get(env.REALTIME_HUB.idFromName("log-steps"));
    await runInDurableObject(stub, (_instance: RealtimeHub, state) => {
      const size = PRUNE_EVERY * 2;
      const log = new EventLog(state.storage.sql, size);
      const event = (id: number) => ({
        action: "create" as const,
        collection: { id: "c", name: "c", type: "base" as const, listRule: "", viewRule: "", hidden: [] },
        record: { id: String(id) },
      });
      const rows = () => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
      for (let i = 1; i <= size * 3 + 5; i++) {
        expect(log.append(event(i))).toBe(i);
        expect(rows()).toBeLessThan(size + PRUNE_EVERY);
      }
      const last = size * 3 + 5;
      // Rows older than the window may still be stored: they are never replayed.
      expect(rows()).toBeGreaterThan(size);
      const edge = log.after(last - size);
      expect(edge === "resync" ? edge : edge.map((e) => e.seq)).toEqual(
        Array.from({ length: size }, (_, k) => last - size + 1 + k),
      );
      expect(log.after(last - size - 1)).toBe("resync");
      // A new EventLog on the same storage (the object woke up) continues the numbering.
      const again = new EventLog(state.storage.sql, size);
      expect(again.last()).toBe(last);
      expect(again.append(event(0))).toBe(last + 1);
      expect(again.after(last)).toEqual([{ seq: last + 1, event: event(0) }]);
    });
  });
});
