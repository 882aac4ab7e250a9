/** Webhooks end to end: a superuser configures them through the SDK; writes reach a real local receiver, signed. */
import type PocketBase from "pocketbase";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { deliveriesOf, hookUrl, received, superuserClient, type WebhookEvent, waitFor } from "./helpers";

let pb: PocketBase;

beforeAll(async () => {
  pb = await superuserClient("webhooks-delivery@example.com");
  await pb.collections.create({
    name: "wh_posts",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "draft", type: "bool" },
      { name: "internal", type: "text", hidden: true },
    ],
  });
  await pb.collections.create({ name: "wh_other", type: "base", fields: [{ name: "title", type: "text" }] });
});

describe("webhooks: create, update and delete deliveries", () => {
  it("a superuser creates a webhook through the SDK; each write is delivered signed, in order, as a guest sees it", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "posts",
      url: hookUrl("crud"),
      events: ["create", "update", "delete"],
      collections: ["wh_posts"],
      active: true,
    });
    expect(hook.secret).toMatch(/^[a-zA-Z0-9]{48}$/);
    const post = await pb.collection("wh_posts").create({ title: "one", internal: "staff only" });
    await pb.collection("wh_posts").update(post.id, { title: "two" });
    await pb.collection("wh_posts").delete(post.id);
    await pb.collection("wh_other").create({ title: "not watched" });

    expect(await waitFor(async () => (await received("crud")).length >= 3)).toBe(true);
    const got = await received("crud");
    expect(got).toHaveLength(3);
    const wh = new Webhook(hook.secret);
    const bodies = got.map((r) => wh.verify(r.body, r.headers) as WebhookEvent);
    expect(bodies.map((b) => b.type)).toEqual(["record.create", "record.update", "record.delete"]);
    expect(bodies.map((b) => b.data.record.title)).toEqual(["one", "two", "two"]);
    for (const b of bodies) {
      expect(b.data.collection).toBe("wh_posts");
      expect(b.data.record).toMatchObject({ id: post.id, collectionName: "wh_posts", draft: false });
      expect(b.data.record).not.toHaveProperty("internal");
      expect(typeof b.timestamp).toBe("string");
    }
    const ids = got.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(3);
    const rows = await deliveriesOf(hook.id);
    expect(rows.map((r) => [r.id, r.status, r.attempts, r.lastStatus])).toEqual(
      ids.map((id) => [id, "delivered", 1, 204]),
    );
    // A signature made with another secret does not verify.
    const other = new Webhook("b3RoZXJzZWNyZXRvdGhlcnNlY3JldG90aGVyc2VjcmV0");
    expect(() => other.verify(got[0]?.body ?? "", got[0]?.headers ?? {})).toThrow();
  });
});
