import { exports } from "cloudflare:workers";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installEventSource } from "../../helpers/event-source";
import { BASE } from "../../helpers/request";
import { openCollection } from "../../realtime/helpers";

let restoreEventSource = () => {};

beforeAll(async () => {
  restoreEventSource = installEventSource();
  await openCollection("posts", [{ name: "title", type: "text" }]);
});

afterAll(() => restoreEventSource());

function client(): PocketBase {
  const pb = new PocketBase(BASE);
  pb.autoCancellation(false);
  pb.beforeSend = (url, options) => ({
    url,
    options: {
      ...options,
      fetch: (u: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(u, init)),
    },
  });
  return pb;
}

/** Resolves with the next `n` callback payloads. */
function collect(n: number): { events: unknown[]; done: Promise<unknown[]>; push: (e: unknown) => void } {
  const events: unknown[] = [];
  let resolve: (v: unknown[]) => void = () => {};
  const done = new Promise<unknown[]>((r) => {
    resolve = r;
  });
  return {
    events,
    done,
    push: (e) => {
      events.push(e);
      if (events.length === n) resolve(events);
    },
  };
}

describe("the pocketbase SDK's realtime, unchanged", () => {
  it("subscribe() receives create, update and delete; unsubscribe() stops a topic", async () => {
    const pb = client();
    const all = collect(3);
    await pb.collection("posts").subscribe("*", all.push);
    expect(pb.realtime.isConnected).toBe(true);
    expect(pb.realtime.clientId).toMatch(/^[a-z0-9]{40}$/);
    const writer = client();
    const rec = await writer.collection("posts").create({ title: "one" });
    const one = collect(1);
    await pb.collection("posts").subscribe(rec.id, one.push, { fields: "id" });
    await writer.collection("posts").update(rec.id, { title: "two" });
    await writer.collection("posts").delete(rec.id);
    expect(await all.done).toMatchObject([
      { action: "create", record: { id: rec.id, title: "one", collectionName: "posts" } },
      { action: "update", record: { id: rec.id, title: "two" } },
      { action: "delete", record: { id: rec.id } },
    ]);
    // The first event on the record topic (the delete may already follow it: one chunk can carry both).
    expect((await one.done)[0]).toEqual({ action: "update", record: { id: rec.id } });
    await pb.collection("posts").unsubscribe("*");
    const after = collect(1);
    const rec2 = await writer.collection("posts").create({ title: "three" });
    await pb.collection("posts").subscribe(rec2.id, after.push);
    await writer.collection("posts").update(rec2.id, { title: "four" });
    expect(await after.done).toMatchObject([{ action: "update", record: { id: rec2.id, title: "four" } }]);
    // Only the record topic was left: nothing from "*" arrived after unsubscribe.
    expect(all.events).toHaveLength(3);
    await pb.realtime.unsubscribe();
    expect(pb.realtime.isConnected).toBe(false);
  });

  it("a guest who signs in may subscribe() again on the same connection; another user may not take it over", async () => {
    const password = "correct horse battery";
    for (const email of ["sdk-guest@example.com", "sdk-other@example.com"]) {
      await client().collection("users").create({ email, password, passwordConfirm: password });
    }
    const pb = client();
    const guest = collect(1);
    await pb.collection("posts").subscribe("*", guest.push);
    const clientId = pb.realtime.clientId;
    await pb.collection("users").authWithPassword("sdk-guest@example.com", password);
    const signedIn = collect(1);
    // Before: 403 "The current and the previous request authorization don't match."
    await pb.collection("users").subscribe("*", signedIn.push);
    expect(pb.realtime.clientId).toBe(clientId);
    const me = pb.authStore.record?.id as string;
    await pb.collection("users").update(me, { name: "renamed" });
    expect(await signedIn.done).toMatchObject([{ action: "update", record: { id: me, name: "renamed" } }]);

    const other = client();
    await other.collection("users").authWithPassword("sdk-other@example.com", password);
    const takeover = (token: string) =>
      exports.default.fetch(
        new Request(`${BASE}/api/realtime`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token && { authorization: token }) },
          body: JSON.stringify({ clientId, subscriptions: ["posts/*"] }),
        }),
      );
    expect((await takeover(other.authStore.token)).status).toBe(403);
    // Once bound to a user, the stream does not go back to a guest either (PocketBase's rule).
    expect((await takeover("")).status).toBe(403);
    await pb.realtime.unsubscribe();
  });
});
