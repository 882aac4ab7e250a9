/**
 * Issue 18: a create that matches one webhook (its delivery row is inserted in the write's own D1 batch, then
 * queued) against the same create matching none, on 10k posts, arms interleaved. The webhook exists only while
 * this scenario runs, so the other scenarios' creates are measured without it.
 */
import { runScenario } from "../lib/measure.mjs";
import { atLeast, defineScenarios } from "../lib/scenario.mjs";

const WEBHOOK_ID = "benchwebhook001";
/** Only creates with this title match the webhook's filter. */
const MATCHING_TITLE = "A post a webhook hears about";

/** @param {string} title */
const create = (title) => ({
  method: "POST",
  paths: ["/api/collections/posts/records"],
  body: JSON.stringify({
    title,
    views: 0,
    published: "2026-11-23 12:00:00.000Z",
    author: "u00000000000002",
    status: "draft",
  }),
});

/** @type {import("../lib/scenario.mjs").Scenario} */
const scenario = {
  id: "create-webhook",
  title: "Create matching one webhook vs matching none (10k)",
  issue: "18: ≥ 0.85×",
  arms: [
    { name: "webhook", target: "edgebase", dataset: "10k", request: () => create(MATCHING_TITLE) },
    {
      name: "none",
      target: "edgebase",
      dataset: "10k",
      request: () => create("A post no webhook hears about"),
    },
  ],
  checks: [
    {
      kind: "ratio",
      label: "throughput",
      metric: "throughput",
      a: "webhook",
      b: "none",
      goal: atLeast(0.85),
    },
  ],
  async run(deps) {
    const db = deps.urls.has("edgebase-10k") ? await deps.d1("edgebase-10k") : undefined;
    if (!db) return runScenario({ ...scenario, run: undefined }, deps);
    const clear = () =>
      db.batch([
        db.prepare('DELETE FROM "_webhookDeliveries" WHERE webhook = ?').bind(WEBHOOK_ID),
        db.prepare('DELETE FROM "_webhooks" WHERE id = ?').bind(WEBHOOK_ID),
      ]);
    await clear();
    // A loopback receiver: outside local development delivery refuses it without a fetch (one UPDATE), so the
    // figure is the write's cost (the outbox row and the queue message), not a receiver's.
    await db
      .prepare(
        `INSERT INTO "_webhooks" (id, name, url, events, collections, filter, secret, active, created, updated)
         VALUES (?, 'bench', 'http://127.0.0.1:9/bench', '["create"]', '["posts"]', ?, ?, 1, '', '')`,
      )
      .bind(WEBHOOK_ID, `title = "${MATCHING_TITLE}"`, "YmVuY2gtd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OWFi")
      .run();
    try {
      return await runScenario({ ...scenario, run: undefined }, deps);
    } finally {
      await clear();
    }
  },
};

export default defineScenarios([scenario]);
