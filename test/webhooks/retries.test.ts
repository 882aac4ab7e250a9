/**
 * Deliveries that fail: a 500 retried with backoff (a second apart in tests: EDGEBASE_WEBHOOK_RETRY_DELAYS
 * "1,1,1" in vitest.config.ts) until `failed`, a receiver down then up, the stable webhook-id receivers
 * de-duplicate by, and re-sending through the API.
 */
import type PocketBase from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/request";
import { deliveriesOf, hookUrl, received, setMode, superuserClient, waitFor } from "./helpers";

let pb: PocketBase;

beforeAll(async () => {
  pb = await superuserClient("webhooks-retries@example.com");
  await pb.collections.create({ name: "rt_items", type: "base", fields: [{ name: "title", type: "text" }] });
});

async function webhook(name: string) {
  return pb.collection("_webhooks").create({
    name,
    url: hookUrl(name),
    events: ["create", "update"],
    collections: ["rt_items"],
    active: true,
  });
}

describe("webhooks: retries", () => {
  it("retries a 500 with the same webhook-id, then marks the delivery failed after the last attempt", async () => {
    await setMode("error", "error");
    const hook = await webhook("error");
    await pb.collection("rt_items").create({ title: "fails" });
    expect(await waitFor(async () => (await deliveriesOf(hook.id))[0]?.status === "failed", 25_000)).toBe(
      true,
    );
    const [row] = await deliveriesOf(hook.id);
    expect(row).toMatchObject({
      status: "failed",
      attempts: 4,
      lastStatus: 500,
      error: "The receiver answered 500.",
    });
    const got = await received("error");
    expect(got).toHaveLength(4);
    expect(new Set(got.map((r) => r.headers["webhook-id"]))).toEqual(new Set([row?.id]));
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
  });

  it("keeps trying while the receiver is down and delivers once it is up, events of a record in order", async () => {
    await setMode("flaky", "down");
    const hook = await webhook("flaky");
    const item = await pb.collection("rt_items").create({ title: "first" });
    await pb.collection("rt_items").update(item.id, { title: "second" });
    expect(await waitFor(async () => Number((await deliveriesOf(hook.id))[0]?.attempts) >= 1)).toBe(true);
    const down = await deliveriesOf(hook.id);
    expect(down.map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(down[0]?.error).toBe("The receiver could not be reached.");
    // The second event waits for the first: it was never attempted while the first was failing.
    expect(down[1]?.attempts).toBe(0);
    await setMode("flaky", "ok");
    expect(
      await waitFor(async () => (await deliveriesOf(hook.id)).every((r) => r.status === "delivered"), 25_000),
    ).toBe(true);
    const delivered = (await received("flaky")).filter((r) => r.mode === "ok");
    expect(delivered.map((r) => JSON.parse(r.body).data.record.title)).toEqual(["first", "second"]);
  });

  it("re-sends a delivery on a superuser's request, with the same webhook-id; refuses others", async () => {
    const hook = await webhook("resend");
    await pb.collection("rt_items").create({ title: "again" });
    expect(await waitFor(async () => (await received("resend")).length === 1)).toBe(true);
    const [row] = await deliveriesOf(hook.id);
    const id = String(row?.id);
    await pb.send(`/api/webhooks/deliveries/${id}/resend`, { method: "POST" });
    expect(await waitFor(async () => (await received("resend")).length === 2)).toBe(true);
    const got = await received("resend");
    expect(got.map((r) => r.headers["webhook-id"])).toEqual([id, id]);
    expect((await deliveriesOf(hook.id))[0]).toMatchObject({ status: "delivered", attempts: 1 });

    const guest = await api(`/api/webhooks/deliveries/${id}/resend`, { method: "POST" });
    expect(guest.status).toBe(401);
    expect(await guest.json()).toMatchObject({ status: 401, data: {} });
    for (const bad of ["nosuchdelivery1", "x".repeat(5000), "..%2F..%2Fetc"]) {
      const err = await pb.send(`/api/webhooks/deliveries/${bad}/resend`, { method: "POST" }).catch((e) => e);
      expect(err.status).toBe(404);
      expect(err.response).toMatchObject({ status: 404, data: {} });
    }
  });
});
