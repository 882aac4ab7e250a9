/** The webhook collections through the records API: superusers only, validated like any collection's records. */
import type PocketBase from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson } from "../helpers/request";
import { authed, signIn, signUp } from "../http/routes/auth-helpers";
import { deliveriesOf, hookUrl, received, superuserClient, waitFor } from "./helpers";

let pb: PocketBase;
let userToken: string;

beforeAll(async () => {
  pb = await superuserClient("webhooks-api@example.com");
  await signUp("webhooks-user@example.com");
  userToken = (await signIn("webhooks-user@example.com")).token;
  await pb.collections.create({ name: "api_items", type: "base", fields: [{ name: "title", type: "text" }] });
});

describe("webhook collections: access", () => {
  it.each(["_webhooks", "_webhookDeliveries"])("%s refuses guests and users (403) on list", async (name) => {
    const base = `/api/collections/${name}/records`;
    for (const res of [await api(base), await authed(userToken, base)]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ status: 403, data: {} });
    }
  });

  it("_webhooks refuses guests and users (403) on create, even with a valid body", async () => {
    const base = "/api/collections/_webhooks/records";
    const body = { name: "x", url: "https://example.com", events: ["create"], active: true };
    for (const res of [
      await apiJson("POST", base, body),
      await authed(userToken, base, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    ]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ status: 403, data: {} });
    }
  });
});

describe("webhook collections: validation", () => {
  it.each([
    [{ url: "https://example.com/h", events: ["create"] }, "name"],
    [{ name: "no url", events: ["create"] }, "url"],
    [{ name: "bad url", url: "not a url", events: ["create"] }, "url"],
    [{ name: "no events", url: "https://example.com/h", events: [] }, "events"],
    [{ name: "bad event", url: "https://example.com/h", events: ["create", "truncate"] }, "events"],
    [{ name: "short secret", url: "https://example.com/h", events: ["create"], secret: "abc" }, "secret"],
    [
      { name: "not base64", url: "https://example.com/h", events: ["create"], secret: "!".repeat(40) },
      "secret",
    ],
    [
      { name: "huge filter", url: "https://example.com/h", events: ["create"], filter: "a".repeat(3000) },
      "filter",
    ],
    [{ name: "x".repeat(300), url: "https://example.com/h", events: ["create"] }, "name"],
  ])("%j is a 400 naming %s", async (body, field) => {
    const err = await pb
      .collection("_webhooks")
      .create(body)
      .catch((e) => e);
    expect(err.status).toBe(400);
    expect(Object.keys(err.response.data)).toContain(field);
  });

  it("accepts a whsec_ secret, lets superusers list and filter deliveries, and deleting a webhook deletes its deliveries", async () => {
    const secret = `whsec_${btoa("a secret of thirty-two bytes....")}`;
    const hook = await pb.collection("_webhooks").create({
      name: "own secret",
      url: hookUrl("own-secret"),
      events: ["create"],
      collections: ["api_items"],
      secret,
      active: true,
    });
    expect(hook.secret).toBe(secret);
    await pb.collection("api_items").create({ title: "listed" });
    expect(await waitFor(async () => (await received("own-secret")).length === 1)).toBe(true);
    expect(await waitFor(async () => (await deliveriesOf(hook.id))[0]?.status === "delivered")).toBe(true);
    const list = await pb
      .collection("_webhookDeliveries")
      .getList(1, 10, { filter: `webhook = "${hook.id}" && status = "delivered"` });
    expect(list.items.map((d) => [d.type, d.collection, d.attempts, d.lastStatus])).toEqual([
      ["record.create", "api_items", 1, 204],
    ]);
    await pb.collection("_webhooks").delete(hook.id);
    expect(await deliveriesOf(hook.id)).toEqual([]);
  });
});
