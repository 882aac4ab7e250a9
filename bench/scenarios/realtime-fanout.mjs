/**
 * Issue 7: one realtime hub fanning record events out to 1,000 WebSocket subscribers (200 in quick runs),
 * against a raw broadcast Durable Object (bench/baseline-broadcast) measured in the same run, rounds interleaved.
 * Latency runs from the client's send of the publishing POST (a record create for Edgebase, so it includes the
 * commit) to the event's arrival on each socket; every socket must get every event.
 */
import { median, round3 } from "../lib/stats.mjs";
import { percentile, startBroadcastServer, startFanoutClient } from "../realtime/fanout.mjs";

/** Subscribers and published messages per round, by run kind. */
const SIZES = {
  full: { subscribers: 1_000, publishes: 20 },
  quick: { subscribers: 200, publishes: 10 },
  dev: { subscribers: 50, publishes: 5 },
};

/** A message not on every socket after this long counts as lost on the sockets that lack it. */
const TIMEOUT_MS = 5_000;

const ms = (/** @type {number} */ n) => round3(n);

/**
 * @param {import("../realtime/fanout-client.mjs").FanoutRound} r
 */
function summary(r) {
  return {
    subscribers: r.subscribers,
    publishes: r.publishes,
    delivered: r.delivered,
    expected: r.expected,
    p50: ms(percentile(r.latencies, 0.5)),
    p99: ms(percentile(r.latencies, 0.99)),
    max: ms(percentile(r.latencies, 1)),
    postP50: ms(percentile(r.postMs, 0.5)),
    connectMs: ms(r.connectMs),
  };
}

/** @type {import("../lib/scenario.mjs").Scenario} */
const scenario = {
  id: "realtime-fanout",
  title: "Realtime fan-out to WebSocket subscribers on one hub vs a raw broadcast Durable Object (10k)",
  issue: "7: 100% delivery; p99 vs raw broadcast (reported)",
  arms: [],
  checks: [],
  async run(deps) {
    const head = { id: scenario.id, title: scenario.title, issue: scenario.issue ?? "", arms: [] };
    const edgebase = deps.urls.get("edgebase-10k");
    if (!edgebase) return { ...head, status: "skipped", reason: "needs the 10k dataset", checks: [] };
    const kind = deps.settings.kind;
    const size = kind === "quick" ? SIZES.quick : kind === "dev" ? SIZES.dev : SIZES.full;
    const broadcast = await startBroadcastServer();
    const client = startFanoutClient(0);
    const ws = (/** @type {string} */ url) => url.replace(/^http/, "ws");
    /** @type {Record<"edgebase" | "raw", import("../realtime/fanout-client.mjs").FanoutSpec>} */
    const specs = {
      edgebase: {
        protocol: "edgebase",
        wsUrl: `${ws(edgebase)}/api/realtime/ws?collection=posts`,
        publishUrl: `${edgebase}/api/collections/posts/records`,
        ...size,
        timeoutMs: TIMEOUT_MS,
      },
      raw: {
        protocol: "raw",
        wsUrl: `${ws(broadcast.url)}/ws`,
        publishUrl: `${broadcast.url}/publish`,
        ...size,
        timeoutMs: TIMEOUT_MS,
      },
    };
    /** @type {{ edgebase: ReturnType<typeof summary>[], raw: ReturnType<typeof summary>[] }} */
    const rounds = { edgebase: [], raw: [] };
    try {
      // One unmeasured small round each: first connections, Durable Object start-up, JIT.
      for (const t of /** @type {const} */ (["edgebase", "raw"]))
        await client.run({ ...specs[t], subscribers: 20, publishes: 2 });
      for (let r = 0; r < deps.settings.rounds; r++) {
        /** @type {("edgebase" | "raw")[]} */
        const order = r % 2 === 0 ? ["edgebase", "raw"] : ["raw", "edgebase"];
        for (const t of order) {
          const s = summary(await client.run(specs[t]));
          deps.log(
            `  round ${r + 1} ${t}: delivered ${s.delivered}/${s.expected}, p50 ${s.p50} ms, p99 ${s.p99} ms`,
          );
          rounds[t].push(s);
        }
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ...head, status: "error", reason, checks: [], details: { rounds } };
    } finally {
      client.stop();
      await broadcast.dispose();
    }
    const sum = (/** @type {ReturnType<typeof summary>[]} */ xs, /** @type {"delivered" | "expected"} */ k) =>
      xs.reduce((n, x) => n + x[k], 0);
    const deliveryPct = (/** @type {ReturnType<typeof summary>[]} */ xs) =>
      round3((100 * sum(xs, "delivered")) / sum(xs, "expected"));
    const edgeDelivery = deliveryPct(rounds.edgebase);
    const p99 = (/** @type {"edgebase" | "raw"} */ t) => round3(median(rounds[t].map((x) => x.p99)));
    const p50 = (/** @type {"edgebase" | "raw"} */ t) => round3(median(rounds[t].map((x) => x.p50)));
    // The median of per-round ratios: each round's pair ran back to back.
    const ratio = round3(median(rounds.edgebase.map((x, k) => x.p99 / (rounds.raw[k]?.p99 ?? Number.NaN))));
    const n = `${size.subscribers} sockets × ${size.publishes} events`;
    return {
      ...head,
      status: "measured",
      checks: [
        {
          label: `Edgebase delivery (${n} × ${rounds.edgebase.length} rounds)`,
          metric: "delivery",
          value: edgeDelivery,
          unit: "%",
          goal: "100%",
          met: edgeDelivery === 100,
        },
        { label: "raw broadcast delivery", metric: "delivery", value: deliveryPct(rounds.raw), unit: "%" },
        {
          label: "p99 delivery latency Edgebase / raw broadcast",
          metric: "deliveryP99",
          value: ratio,
          unit: "×",
        },
        {
          label: "p50 / p99 latency Edgebase (send of the create → receipt)",
          metric: "deliveryP99",
          value: p99("edgebase"),
          unit: ` ms (p50 ${p50("edgebase")} ms)`,
        },
        {
          label: "p50 / p99 latency raw broadcast (send of the publish → receipt)",
          metric: "deliveryP99",
          value: p99("raw"),
          unit: ` ms (p50 ${p50("raw")} ms)`,
        },
      ],
      details: { size, timeoutMs: TIMEOUT_MS, clientPinning: client.pinError ?? "CPU 0", rounds },
    };
  },
};

export default [scenario];
