import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("RealtimeHub Durable Object", () => {
  it("answers ping with its id and an empty socket count", async () => {
    const id = env.REALTIME_HUB.idFromName("posts");
    expect(await env.REALTIME_HUB.get(id).ping()).toEqual({ ok: true, id: id.toString(), sockets: 0 });
  });
});
