/** The outbox in a multi-request batch (each write's rows at its place in the one D1 batch) and in wide collections. */
import type PocketBase from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { deliveriesOf, hookUrl, received, superuserClient, type WebhookEvent, waitFor } from "./helpers";

let pb: PocketBase;

beforeAll(async () => {
  pb = await superuserClient("webhooks-batch@example.com");
  await pb.collections.create({ name: "bt_items", type: "base", fields: [{ name: "title", type: "text" }] });
  await pb.collections.create({
    name: "bt_wide",
    type: "base",
    fields: Array.from({ length: 70 }, (_, i) => ({ name: `f${i}`, type: "text" })),
  });
});

const events = async (name: string) => (await received(name)).map((r) => JSON.parse(r.body) as WebhookEvent);

describe("webhooks: batches and wide records", () => {
  it("a batch's create, update and delete of one record are delivered in order, each with the row as it was then", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "batch",
      url: hookUrl("batch"),
      events: ["create", "update", "delete"],
      collections: ["bt_items"],
      active: true,
    });
    const batch = pb.createBatch();
    batch.collection("bt_items").create({ id: "batchitem00001a", title: "created" });
    batch.collection("bt_items").update("batchitem00001a", { title: "updated" });
    batch.collection("bt_items").delete("batchitem00001a");
    await batch.send();
    expect(await waitFor(async () => (await received("batch")).length === 3)).toBe(true);
    expect((await events("batch")).map((e) => [e.type, e.data.record.title])).toEqual([
      ["record.create", "created"],
      ["record.update", "updated"],
      ["record.delete", "updated"],
    ]);
    expect((await deliveriesOf(hook.id)).map((d) => d.status)).toEqual([
      "delivered",
      "delivered",
      "delivered",
    ]);
  });

  it("a failed batch commits none of its deliveries", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "failed batch",
      url: hookUrl("failed-batch"),
      events: ["create"],
      collections: ["bt_items"],
      active: true,
    });
    const batch = pb.createBatch();
    batch.collection("bt_items").create({ title: "would be delivered" });
    batch.collection("bt_items").update("missingrecord01", { title: "fails" });
    const err = await batch.send().catch((e) => e);
    expect(err.status).toBe(400);
    expect(await deliveriesOf(hook.id)).toEqual([]);
  });

  it("renders records with more fields than one SQLite json_object call takes", async () => {
    await pb.collection("_webhooks").create({
      name: "wide",
      url: hookUrl("wide"),
      events: ["create"],
      collections: ["bt_wide"],
      active: true,
    });
    const values = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`f${i}`, `v${i}`]));
    const created = await pb.collection("bt_wide").create(values);
    expect(await waitFor(async () => (await received("wide")).length === 1)).toBe(true);
    const [event] = await events("wide");
    expect(event?.data.record).toMatchObject({ id: created.id, ...values });
  });
});
