/** Which writes a webhook receives: its events, its collections (empty = all) and its filter over the record. */
import { env } from "cloudflare:workers";
import type PocketBase from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { hookUrl, received, superuserClient, type WebhookEvent, waitFor } from "./helpers";

let pb: PocketBase;

beforeAll(async () => {
  pb = await superuserClient("webhooks-scoping@example.com");
  for (const name of ["sc_a", "sc_b"]) {
    await pb.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "score", type: "number" },
      ],
    });
  }
});

const titles = async (name: string) =>
  (await received(name)).map((r) => {
    const event = JSON.parse(r.body) as WebhookEvent;
    return `${event.type} ${event.data.collection} ${String(event.data.record.title)}`;
  });

describe("webhooks: scoping", () => {
  it("delivers only the events, collections and records (filter) a webhook asks for", async () => {
    await pb.collection("_webhooks").create({
      name: "high scores in a",
      url: hookUrl("filtered"),
      events: ["create", "update"],
      collections: ["sc_a"],
      filter: "score >= 10 && title != 'skip'",
      active: true,
    });
    await pb.collection("_webhooks").create({
      name: "everything, deletes only",
      url: hookUrl("all-deletes"),
      events: ["delete"],
      active: true,
    });
    await pb.collection("_webhooks").create({
      name: "inactive",
      url: hookUrl("inactive"),
      events: ["create", "update", "delete"],
      active: false,
    });
    const low = await pb.collection("sc_a").create({ title: "low", score: 1 });
    await pb.collection("sc_a").create({ title: "high", score: 50 });
    await pb.collection("sc_a").create({ title: "skip", score: 50 });
    await pb.collection("sc_b").create({ title: "other collection", score: 99 });
    // An update that makes the record match is delivered; the create before it was not.
    await pb.collection("sc_a").update(low.id, { score: 10 });
    await pb.collection("sc_a").delete(low.id);
    const b = await pb.collection("sc_b").getFirstListItem("title = 'other collection'");
    await pb.collection("sc_b").delete(b.id);

    expect(await waitFor(async () => (await received("all-deletes")).length >= 2)).toBe(true);
    expect(await waitFor(async () => (await received("filtered")).length >= 2)).toBe(true);
    expect(await titles("filtered")).toEqual(["record.create sc_a high", "record.update sc_a low"]);
    expect(await titles("all-deletes")).toEqual([
      "record.delete sc_a low",
      "record.delete sc_b other collection",
    ]);
    expect(await received("inactive")).toEqual([]);
  });

  it("a write to the webhooks' own collections triggers nothing; a filter that cannot compile skips the webhook, not the write", async () => {
    const hook = await pb.collection("_webhooks").create({
      name: "broken filter",
      url: hookUrl("broken"),
      events: ["create"],
      collections: ["sc_b"],
      filter: "nosuchfield = 1",
      active: true,
    });
    const record = await pb.collection("sc_b").create({ title: "still written" });
    expect(record.title).toBe("still written");
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM "_webhookDeliveries" WHERE webhook = ?')
      .bind(hook.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
    const own = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM "_webhookDeliveries" WHERE collection IN ('_webhooks', '_webhookDeliveries')`,
    ).first<{ n: number }>();
    expect(own?.n).toBe(0);
  });
});
