/** Plumbing of the realtime fan-out scenario: the raw broadcast Worker's runtime, the pinned client, percentiles. */
import { join } from "node:path";
import { buildBundle } from "../lib/build.mjs";
import { ROOT, readCompatibility } from "../lib/config.mjs";
import { forkPinned } from "../lib/load.mjs";
import { startServer } from "../lib/server.mjs";

/** @typedef {import("./fanout-client.mjs").FanoutSpec} FanoutSpec */
/** @typedef {import("./fanout-client.mjs").FanoutRound} FanoutRound */

/**
 * Builds bench/baseline-broadcast with wrangler and serves it from its own workerd (in-memory Durable Object).
 * The runtime inherits this process's CPU pinning, so it shares the server core with Edgebase's runtime.
 * @returns {Promise<{ url: string, dispose: () => Promise<void> }>}
 */
export async function startBroadcastServer() {
  const bundle = buildBundle("broadcast");
  const server = await startServer(
    [
      {
        name: "broadcast",
        modules: true,
        scriptPath: bundle.main,
        ...readCompatibility(),
        durableObjects: { BROADCAST: "BroadcastHub" },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
    ],
    { persist: false },
  );
  const url = server.urls.get("broadcast");
  if (!url) throw new Error("the broadcast Worker has no URL");
  return { url, dispose: server.dispose };
}

/**
 * Forks the WebSocket client on `cpu` (the load client's core) and runs one round at a time in it.
 * @param {number} cpu
 */
export function startFanoutClient(cpu) {
  const child = forkPinned(join(ROOT, "bench", "realtime", "fanout-client.mjs"), cpu);
  return {
    ...child,
    /**
     * @param {FanoutSpec} spec
     * @returns {Promise<FanoutRound>}
     */
    run: (spec) => /** @type {Promise<FanoutRound>} */ (child.run(spec)),
  };
}

/**
 * Exact percentile (nearest rank) of a list of milliseconds.
 * @param {number[]} values
 * @param {number} p between 0 and 1
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}
