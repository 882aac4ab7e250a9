import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { realtimeSink } from "../../src/realtime/publish";
import { hubName, parseTopic, shardOf } from "../../src/realtime/topics";
import { change, collectionDef, connectHub, SUPERUSER } from "./helpers";

describe("topics", () => {
  it("parses record, presence and broadcast topics and refuses malformed ones", () => {
    expect(parseTopic("posts/*")).toEqual({ kind: "records", collection: "posts", recordId: "*" });
    expect(parseTopic("posts/abc")).toEqual({ kind: "records", collection: "posts", recordId: "abc" });
    expect(parseTopic("presence/lobby")).toEqual({ kind: "presence", room: "lobby" });
    expect(parseTopic("broadcast/a.b-c")).toEqual({ kind: "broadcast", room: "a.b-c" });
    for (const bad of [
      "posts",
      "/x",
      "posts/",
      "posts/a/b",
      "po sts/*",
      "presence/*x",
      `posts/${"a".repeat(400)}`,
    ]) {
      expect(parseTopic(bad)).toBeUndefined();
    }
  });

  it("names hubs per collection (case-insensitively) and shard, and spreads keys over shards stably", () => {
    expect(hubName({ kind: "collection", name: "Posts" }, 2)).toBe("c:posts#2");
    expect(hubName({ kind: "room", name: "lobby" })).toBe("r:lobby#0");
    expect(shardOf("anything", 1)).toBe(0);
    const shards = new Set(Array.from({ length: 50 }, (_, i) => shardOf(`user${i}`, 4)));
    expect([...shards].sort()).toEqual([0, 1, 2, 3]);
    expect(shardOf("user7", 4)).toBe(shardOf("user7", 4));
  });

  it("delivers to subscribers on every shard when the sink publishes to all of them", async () => {
    const items = collectionDef({ name: "items" });
    const key = { kind: "collection", name: "items" } as const;
    const s0 = await connectHub(key, { auth: SUPERUSER }, 0);
    const s1 = await connectHub(key, { auth: SUPERUSER }, 1);
    await s0.subscribe("items/*");
    await s1.subscribe("items/*");
    await realtimeSink(env.REALTIME_HUB, { shards: 2 }).emit([change("create", items, { id: "i1" })]);
    expect([(await s0.next()).record.id, (await s1.next()).record.id]).toEqual(["i1", "i1"]);
  });
});
