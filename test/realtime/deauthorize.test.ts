import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deauthorizeUser } from "../../src/realtime/deauthorize";
import { CLOSE_DEAUTHORIZED } from "../../src/realtime/hub";
import { connectHub, hubStub, user } from "./helpers";

describe("de-authorization", () => {
  it("closes the user's sockets on a hub and leaves other users' sockets open", async () => {
    const hub = { kind: "collection", name: "posts" } as const;
    const alice = await connectHub(hub, { auth: user("alice") });
    const bob = await connectHub(hub, { auth: user("bob") });
    await alice.subscribe("posts/*");
    expect(await hubStub("posts").deauthorize({ collectionId: "_pb_users_auth_", userId: "alice" })).toBe(1);
    expect(await alice.next()).toMatchObject({ type: "error", code: "deauthorized" });
    expect(await alice.closed).toMatchObject({ code: CLOSE_DEAUTHORIZED });
    expect(await bob.subscribe("posts/*")).toMatchObject({ type: "subscribed" });
  });

  it("reaches every hub the user connected to through its registry, then forgets them", async () => {
    const a1 = await connectHub({ kind: "collection", name: "tasks" }, { auth: user("carol") });
    const a2 = await connectHub(
      { kind: "room", name: "chat" },
      { auth: user("carol"), room: { join: true, broadcast: true } },
    );
    const other = await connectHub(
      { kind: "room", name: "chat" },
      { auth: user("dave"), room: { join: true, broadcast: true } },
    );
    await other.subscribe("presence/chat");
    await other.next();
    await a2.subscribe("presence/chat");
    await a2.next();
    expect(await other.next()).toMatchObject({ type: "join" });
    const carol = { collectionId: "_pb_users_auth_", userId: "carol" };
    expect(await deauthorizeUser(env.REALTIME_USER, carol)).toBe(2);
    expect((await a1.closed).code).toBe(CLOSE_DEAUTHORIZED);
    expect((await a2.closed).code).toBe(CLOSE_DEAUTHORIZED);
    expect(await other.next()).toMatchObject({ type: "leave", member: { userId: "carol" } });
    expect(await deauthorizeUser(env.REALTIME_USER, carol)).toBe(0);
  });
});
