/**
 * What realtime fan-out costs the mix: rounds of the same mixed load with no subscriber and with 40 (half SSE,
 * half WebSocket), alternating A B, B A, … so machine drift hits both arms alike; ratios are medians of the
 * per-round ratios, as in the bench.
 */
import { machine } from "../lib/machine.mjs";
import { median } from "../lib/stats.mjs";
import { createClient, Recorder } from "./client.mjs";
import { runMixed } from "./mixed.mjs";
import { operationRows } from "./report.mjs";
import { openSubscribers } from "./subscribers.mjs";

/**
 * @param {string} base
 * @param {{ ledger: import("./ledger.mjs").Ledger, fx: import("./setup.mjs").Fixtures, clock: () => number }} shared
 * @param {{ rounds: number, seconds: number, inFlight: number, subscribers: number, seed: number,
 *   log: (msg: string) => void }} o
 */
export async function runFanoutComparison(base, shared, o) {
  /** @type {{ arm: string, throughput: number, p50: number, p99: number, fivexx: number }[][]} */
  const rounds = [];
  const loadAtStart = machine().loadavg;
  for (let round = 0; round < o.rounds; round++) {
    const order = round % 2 === 0 ? [0, o.subscribers] : [o.subscribers, 0];
    const pair = [];
    for (const subscribers of order) {
      const recorder = new Recorder();
      const client = createClient(base, recorder);
      const subs =
        subscribers > 0
          ? await openSubscribers(base, subscribers, {
              users: shared.fx.users,
              failTitles: shared.ledger.failTitles,
              clock: shared.clock,
              reconnectEveryMs: 0,
            })
          : [];
      const started = performance.now();
      await runMixed(
        { ...shared, client },
        { inFlight: o.inFlight, seconds: o.seconds, seed: o.seed + round },
      );
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(subs.map((s) => s.close()));
      const all = [...recorder.ops.values()].flatMap((s) => s.ms).sort((a, b) => a - b);
      const rows = operationRows(recorder, seconds);
      const arm = {
        arm: subscribers > 0 ? `${subscribers} subscribers` : "no subscriber",
        throughput: all.length / seconds,
        p50: all[Math.floor(all.length * 0.5)] ?? 0,
        p99: all[Math.floor(all.length * 0.99)] ?? 0,
        fivexx: rows.reduce((a, r) => a + r.fivexx, 0),
      };
      o.log(
        `round ${round + 1}, ${arm.arm}: ${arm.throughput.toFixed(0)} req/s, p50 ${arm.p50.toFixed(1)} ms, p99 ${arm.p99.toFixed(1)} ms, 5xx ${arm.fivexx}`,
      );
      pair.push(arm);
    }
    rounds.push(pair.sort((a) => (a.arm === "no subscriber" ? -1 : 1)));
  }
  const ratio = (/** @type {"throughput" | "p50" | "p99"} */ k) =>
    median(rounds.map(([without, withSubs]) => (withSubs?.[k] ?? 0) / (without?.[k] ?? 1)));
  const arm = (/** @type {number} */ i, /** @type {"throughput" | "p50" | "p99"} */ k) =>
    median(rounds.map((r) => r[i]?.[k] ?? 0));
  console.log(
    `\n| mix (${o.inFlight} in flight, ${o.seconds} s × ${o.rounds} rounds per arm) | req/s | p50 ms | p99 ms |\n| --- | --- | --- | --- |`,
  );
  console.log(
    `| no subscriber | ${arm(0, "throughput").toFixed(0)} | ${arm(0, "p50").toFixed(1)} | ${arm(0, "p99").toFixed(1)} |`,
  );
  console.log(
    `| ${o.subscribers} subscribers (SSE + WebSocket) | ${arm(1, "throughput").toFixed(0)} | ${arm(1, "p50").toFixed(1)} | ${arm(1, "p99").toFixed(1)} |`,
  );
  console.log(
    `| ratio with / without | ${ratio("throughput").toFixed(2)}× | ${ratio("p50").toFixed(2)}× | ${ratio("p99").toFixed(2)}× |`,
  );
  // The machine may be shared: its load says how far to trust the ratio.
  console.log(`load average at start ${loadAtStart.join(", ")}, at end ${machine().loadavg.join(", ")}`);
  return rounds;
}
