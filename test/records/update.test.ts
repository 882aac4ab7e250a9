import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { CollectionStore } from "../../src/collections/store";
import { ApiError } from "../../src/lib/errors";
import { findCollection, type RecordDeps } from "../../src/records/deps";
import { noopChangeSink } from "../../src/records/events";
import { runPlan } from "../../src/records/plan";
import { planUpdate } from "../../src/records/update";
import { guestContext } from "../../src/rules";
import { createCollection, seed } from "./harness";

it("a row changed between the plan and the write is a 409 (nothing written), not a 404", async () => {
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
  const plan = await planUpdate(deps, ref, record.id, { n: 5 }, { expand: [], fields: null });
  await env.DB.prepare("UPDATE counters SET n = 2, updated = 'later' WHERE id = ?").bind(record.id).run();
  const err = await runPlan(deps, plan).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(409);
  const row = await env.DB.prepare("SELECT n FROM counters WHERE id = ?")
    .bind(record.id)
    .first<{ n: number }>();
  expect(row?.n).toBe(2);
});
