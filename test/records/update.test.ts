import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { CollectionStore } from "../../src/collections/store";
import { ApiError } from "../../src/lib/errors";
import { findCollection, type RecordDeps } from "../../src/records/deps";
import { noopChangeSink } from "../../src/records/events";
import { runPlan } from "../../src/records/plan";
import { etagOf } from "../../src/records/record-json";
import { planUpdate } from "../../src/records/update";
import { guestContext } from "../../src/rules";
import { createCollection, seed } from "./harness";

it("with If-Match, a row changed between the plan and the write is a 412 (nothing written), not a 404", async () => {
  await createCollection({
    name: "counters",
    updateRule: "",
    fields: [
      { name: "n", type: "number" },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
  });
  const record = await seed("counters", { n: 1 });
  const deps: RecordDeps = {
    db: env.DB,
    store: new CollectionStore(),
    ctx: guestContext(),
    changes: noopChangeSink,
  };
  const ref = await findCollection(deps, "counters");
  const stored = await env.DB.prepare("SELECT * FROM counters WHERE id = ?").bind(record.id).first();
  const ifMatch = await etagOf(ref.collection, stored as Record<string, unknown>, deps.ctx);
  const plan = await planUpdate(deps, ref, record.id, { n: 5 }, { expand: [], fields: null }, { ifMatch });
  await env.DB.prepare("UPDATE counters SET n = 2, updated = 'later' WHERE id = ?").bind(record.id).run();
  const err = await runPlan(deps, plan).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(412);
  const row = await env.DB.prepare("SELECT n FROM counters WHERE id = ?")
    .bind(record.id)
    .first<{ n: number }>();
  expect(row?.n).toBe(2);
  // Without If-Match the same race is last-writer-wins: the plain value applies.
  const plain = await planUpdate(deps, ref, record.id, { n: 7 }, { expand: [], fields: null });
  await env.DB.prepare("UPDATE counters SET n = 3, updated = 'later still' WHERE id = ?")
    .bind(record.id)
    .run();
  expect((await runPlan(deps, plain)).status).toBe(200);
  const after = await env.DB.prepare("SELECT n FROM counters WHERE id = ?")
    .bind(record.id)
    .first<{ n: number }>();
  expect(after?.n).toBe(7);
});
