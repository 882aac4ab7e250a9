/** Webhooks end to end: a superuser configures them through the SDK; writes reach a real local receiver, signed. */
import type PocketBase from "pocketbase";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../src/auth/mailer";
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

describe("webhooks: auth records", () => {
  it("never carry password hashes or token keys, and an email only when its emailVisibility is on", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "users",
      url: hookUrl("users"),
      events: ["create"],
      collections: ["users"],
      active: true,
    });
    const common = { password: "a long password 1", passwordConfirm: "a long password 1" };
    await pb.collection("users").create({ ...common, email: "private-wh@example.com", name: "Private" });
    await pb
      .collection("users")
      .create({ ...common, email: "public-wh@example.com", name: "Public", emailVisibility: true });
    expect(await waitFor(async () => (await received("users")).length === 2)).toBe(true);
    const records = (await received("users")).map(
      (r) => (new Webhook(hook.secret).verify(r.body, r.headers) as WebhookEvent).data.record,
    );
    expect(records.map((r) => [r.name, r.email])).toEqual([
      ["Private", undefined],
      ["Public", "public-wh@example.com"],
    ]);
    for (const r of records) {
      expect(r).not.toHaveProperty("password");
      expect(r).not.toHaveProperty("tokenKey");
    }
    const stored = JSON.stringify(await deliveriesOf(hook.id));
    expect(stored).not.toContain("private-wh@example.com");
    expect(stored).not.toContain("tokenKey");
    expect(stored).not.toContain("pbkdf2");
  });
});

describe("webhooks: auth flows' writes", () => {
  it("confirm-verification is delivered as an update, like any other write", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "verify",
      url: hookUrl("verify"),
      events: ["update"],
      collections: ["users"],
      active: true,
    });
    const email = "verify-wh@example.com";
    const common = { password: "a long password 1", passwordConfirm: "a long password 1" };
    const user = await pb.collection("users").create({ ...common, email, name: "Verify" });
    clearDevOutbox();
    await pb.collection("users").requestVerification(email);
    const link = readDevOutbox().find((m) => m.to === email)?.text ?? "";
    const token = decodeURIComponent(/confirm-verification\/(\S+)/.exec(link)?.[1] ?? "");
    expect(await pb.collection("users").confirmVerification(token)).toBe(true);
    expect(await waitFor(async () => (await received("verify")).length >= 1)).toBe(true);
    const [event] = (await received("verify")).map(
      (r) => new Webhook(hook.secret).verify(r.body, r.headers) as WebhookEvent,
    );
    expect(event?.type).toBe("record.update");
    expect(event?.data.record).toMatchObject({ id: user.id, verified: true });
    expect(event?.data.record).not.toHaveProperty("tokenKey");
  });
});
