import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import { deauthorizeUser } from "../../../src/realtime/deauthorize";
import type { AuthRecord } from "../../../src/rules/context";
import { api, apiJson, BASE } from "../../helpers/request";
import { FrameReader, openCollection } from "../../realtime/helpers";

beforeAll(async () => {
  await openCollection("posts", [
    { name: "title", type: "text" },
    { name: "n", type: "number" },
  ]);
});

async function connect(): Promise<{ clientId: string; frames: FrameReader }> {
  const res = await api("/api/realtime");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  const frames = new FrameReader(res);
  const connect = await frames.next();
  expect(connect.event).toBe("PB_CONNECT");
  expect(connect.data).toEqual({ clientId: connect.id });
  expect(connect.id).toMatch(/^[a-z0-9]{40}$/);
  return { clientId: connect.id, frames };
}

describe("PocketBase-compatible SSE", () => {
  it("sends PB_CONNECT, accepts subscriptions with options and streams events named by the topic", async () => {
    const { clientId, frames } = await connect();
    const options = encodeURIComponent(
      JSON.stringify({ query: { filter: "n > 1", fields: "id,title" }, headers: {} }),
    );
    const topics = ["posts/*", `posts/*?options=${options}`];
    const set = await apiJson("POST", "/api/realtime", { clientId, subscriptions: topics });
    expect(set.status).toBe(204);
    const low = (await (
      await apiJson("POST", "/api/collections/posts/records", { title: "low", n: 1 })
    ).json()) as { id: string };
    const first = await frames.next();
    expect(first).toMatchObject({
      id: clientId,
      event: "posts/*",
      data: { action: "create", record: { id: low.id, title: "low", n: 1 } },
    });
    await apiJson("POST", "/api/collections/posts/records", { title: "high", n: 5 });
    const got = [await frames.next(), await frames.next()];
    expect(got.map((f) => f.event).sort()).toEqual(topics.slice().sort());
    const filtered = got.find((f) => f.event !== "posts/*");
    expect(filtered?.data).toEqual({ action: "create", record: { id: expect.any(String), title: "high" } });
    await frames.cancel();
  });

  it("unsubscribes when the list shrinks", async () => {
    const { clientId, frames } = await connect();
    await apiJson("POST", "/api/realtime", { clientId, subscriptions: ["posts/*"] });
    expect((await apiJson("POST", "/api/realtime", { clientId, subscriptions: ["posts/none"] })).status).toBe(
      204,
    );
    const rec = (await (await apiJson("POST", "/api/collections/posts/records", { title: "x" })).json()) as {
      id: string;
    };
    await apiJson("POST", "/api/realtime", { clientId, subscriptions: [`posts/${rec.id}`] });
    await apiJson("PATCH", `/api/collections/posts/records/${rec.id}`, { title: "y" });
    const frame = await frames.next();
    expect(frame).toMatchObject({
      event: `posts/${rec.id}`,
      data: { action: "update", record: { title: "y" } },
    });
    await frames.cancel();
  });

  it("answers 404 for an unknown client, 400 for bad bodies or options", async () => {
    const missing = await apiJson("POST", "/api/realtime", { clientId: "nope", subscriptions: [] });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, message: "Missing or invalid client id." });
    const bad = await apiJson("POST", "/api/realtime", { subscriptions: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ data: { clientId: { code: "validation_required" } } });
    const { clientId, frames } = await connect();
    const badFilter = encodeURIComponent(JSON.stringify({ query: { filter: "n >" } }));
    expect(
      (await apiJson("POST", "/api/realtime", { clientId, subscriptions: [`posts/*?options=${badFilter}`] }))
        .status,
    ).toBe(400);
    expect(
      (await apiJson("POST", "/api/realtime", { clientId, subscriptions: ["posts/*?options=%7Bx"] })).status,
    ).toBe(400);
    await frames.cancel();
  });
});

describe("SSE auth", () => {
  const app = createEdgebase({
    logLevel: "off",
    authenticate: async (c) => {
      const raw = c.req.header("x-test-auth");
      return raw ? (JSON.parse(raw) as AuthRecord) : null;
    },
  });
  const as = (id: string | null, body: unknown) =>
    app.request(
      `${BASE}/api/realtime`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(id && {
            "x-test-auth": JSON.stringify({ id, collectionId: "_pb_users_auth_", collectionName: "users" }),
          }),
        },
        body: JSON.stringify(body),
      },
      env,
    );

  it("binds the first caller's auth, refuses another's, and ends the stream when the user is de-authorized", async () => {
    const res = await app.request(`${BASE}/api/realtime`, {}, env);
    const frames = new FrameReader(res);
    const { id: clientId } = await frames.next();
    expect((await as("alice", { clientId, subscriptions: ["posts/*"] })).status).toBe(204);
    const other = await as("bob", { clientId, subscriptions: ["posts/*"] });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({
      message: "The current and the previous request authorization don't match.",
    });
    expect(
      await deauthorizeUser(env.REALTIME_USER, { collectionId: "_pb_users_auth_", userId: "alice" }),
    ).toBe(1);
    expect(await frames.ended()).toBe(true);
    expect((await as("alice", { clientId, subscriptions: ["posts/*"] })).status).toBe(404);
  });
});

describe("SSE backpressure", () => {
  it("cuts a client that stops reading, and the client sees its stream end at once (the SDK then reconnects)", async () => {
    const { clientId, frames } = await connect();
    expect((await apiJson("POST", "/api/realtime", { clientId, subscriptions: ["posts/*"] })).status).toBe(
      204,
    );
    const stub = env.REALTIME_CLIENT.get(env.REALTIME_CLIENT.idFromName(clientId));
    const frame = {
      event: "posts/*",
      data: { action: "create", record: { id: "x", body: "y".repeat(10_000) } },
    };
    let alive = true;
    let calls = 0;
    for (; calls < 100 && alive; calls++)
      alive = await stub.deliver(Array.from({ length: 100 }, () => frame));
    expect(alive).toBe(false);
    // Cut at the byte budget (4 MiB queued, plus what the pipe to the client holds), not after unbounded buffering.
    expect(calls).toBeLessThanOrEqual(8);
    expect(await stub.deliver([frame])).toBe(false);
    // The reader learns now, without draining megabytes first: the stream fails or ends.
    const seen = await Promise.race([
      frames.ended().then(() => "ended"),
      new Promise((resolve) => setTimeout(() => resolve("still open"), 5_000)),
    ]);
    expect(seen).toBe("ended");
    // The client id is gone: its subscriptions cannot be set again (the SDK opens a new stream instead).
    expect((await apiJson("POST", "/api/realtime", { clientId, subscriptions: ["posts/*"] })).status).toBe(
      404,
    );
  });

  it("keeps a healthy client that falls thousands of small frames behind during a burst, and delivers them all", async () => {
    const { clientId, frames } = await connect();
    expect((await apiJson("POST", "/api/realtime", { clientId, subscriptions: ["posts/*"] })).status).toBe(
      204,
    );
    const stub = env.REALTIME_CLIENT.get(env.REALTIME_CLIENT.idFromName(clientId));
    // 3,000 events, past the old 1,000-frame cut-off, delivered while the client reads nothing.
    for (let call = 0; call < 30; call++) {
      const burst = Array.from({ length: 100 }, (_, i) => ({
        event: "posts/*",
        data: { action: "update", record: { id: "burst", n: call * 100 + i } },
      }));
      expect(await stub.deliver(burst)).toBe(true);
    }
    for (let n = 0; n < 3_000; n++) {
      const f = await frames.next();
      expect(f.data).toEqual({ action: "update", record: { id: "burst", n } });
    }
    // Still subscribed at the hub: a real write reaches it afterwards.
    const created = (await (
      await apiJson("POST", "/api/collections/posts/records", { title: "after the burst", n: 1 })
    ).json()) as { id: string };
    const next = await frames.next();
    expect(next.data).toMatchObject({ action: "create", record: { id: created.id } });
    await frames.cancel();
  });
});
