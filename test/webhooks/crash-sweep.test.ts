/**
 * "Never lost": the Worker dies between a write's commit and the queue send (simulated: the outbox's hand-off
 * never runs). The delivery row committed with the write, and the sweep (cron `__webhooksSweep__`) delivers it.
 * A write that fails leaves no delivery behind.
 */
import { env } from "cloudflare:workers";
import type PocketBase from "pocketbase";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { CollectionStore } from "../../src/collections/store";
import { createRecord } from "../../src/records/create";
import { parseViewParams } from "../../src/records/query-params";
import { guestContext } from "../../src/rules/context";
import { deliveryDeps, SWEEP_GRACE_MS, sweepDeliveries, webhookOutbox } from "../../src/webhooks";
import { deliveriesOf, hookUrl, received, superuserClient, type WebhookEvent, waitFor } from "./helpers";

let pb: PocketBase;
const store = new CollectionStore();

beforeAll(async () => {
  pb = await superuserClient("webhooks-crash@example.com");
  await pb.collections.create({
    name: "cr_items",
    type: "base",
    createRule: "title != 'refused'",
    fields: [{ name: "title", type: "text" }],
  });
});

/** Writes through the records engine with an outbox whose post-commit hand-off is lost, as in a crash. */
async function createWithCrash(title: string) {
  let handedOff = false;
  const outbox = webhookOutbox({
    enqueue: async () => {
      handedOff = true;
      throw new Error("the isolate died before the queue send");
    },
  });
  const deps = { db: env.DB, store, ctx: guestContext(), changes: { emit: async () => {} }, outbox };
  const written = await createRecord(deps, "cr_items", { title }, parseViewParams({}));
  return { written, handedOff };
}

describe("webhooks: a crash between commit and enqueue", () => {
  it("commits the delivery with the write; the sweep delivers it once it is overdue, signed as usual", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "crash",
      url: hookUrl("crash"),
      events: ["create"],
      collections: ["cr_items"],
      active: true,
    });
    const { handedOff } = await createWithCrash("survives");
    expect(handedOff).toBe(true);
    const [row] = await deliveriesOf(hook.id);
    expect(row).toMatchObject({
      status: "pending",
      attempts: 0,
      type: "record.create",
      collection: "cr_items",
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await received("crash")).toEqual([]);

    const deps = deliveryDeps(env, store);
    // Not overdue yet: the queue may still be on it.
    expect(await sweepDeliveries(env, deps)).not.toContain(row?.id);
    const later = new Date(Date.now() + SWEEP_GRACE_MS + 60_000);
    expect(await sweepDeliveries(env, deps, later)).toContain(row?.id);
    expect(await waitFor(async () => (await received("crash")).length === 1)).toBe(true);
    const [got] = await received("crash");
    const event = new Webhook(hook.secret).verify(got?.body ?? "", got?.headers ?? {}) as WebhookEvent;
    expect(event.data.record.title).toBe("survives");
    expect(got?.headers["webhook-id"]).toBe(row?.id);
    expect(await waitFor(async () => (await deliveriesOf(hook.id))[0]?.status === "delivered")).toBe(true);
  });

  it("the sweep delivers by itself when there is no queue binding", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "no queue",
      url: hookUrl("no-queue"),
      events: ["create"],
      collections: ["cr_items"],
      active: true,
    });
    await createWithCrash("no queue");
    const noQueue = { DB: env.DB, EDGEBASE_DEV: "1" };
    const later = new Date(Date.now() + SWEEP_GRACE_MS + 60_000);
    await sweepDeliveries(noQueue, deliveryDeps(noQueue, store), later);
    expect((await deliveriesOf(hook.id)).map((r) => r.status)).toEqual(["delivered"]);
    expect(
      (await received("no-queue")).map((r) => (JSON.parse(r.body) as WebhookEvent).data.record.title),
    ).toEqual(["no queue"]);
  });

  it("a write refused by its rule commits no delivery", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "refused",
      url: hookUrl("refused"),
      events: ["create"],
      collections: ["cr_items"],
      active: true,
    });
    const err = await createWithCrash("refused").catch((e) => e);
    expect(err.status).toBe(400);
    expect(await deliveriesOf(hook.id)).toEqual([]);
  });
});
