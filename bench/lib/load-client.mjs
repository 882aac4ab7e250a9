/**
 * The load generator, run as a forked child pinned to its own core: receives one load spec per IPC message
 * and answers with exact latency percentiles (autocannon's own histogram rounds to whole ms).
 */
import { paced } from "./paced.mjs";
import { saturate } from "./saturate.mjs";

/**
 * One request shape; `paths` rotate (e.g. a pool of record ids), the rest is fixed.
 * @typedef {{ method: string, paths: string[], headers?: Record<string, string>, body?: string }} RequestSpec
 */
/**
 * @typedef {{ url: string, request: RequestSpec, seconds: number, connections: number, rate?: number }} LoadSpec
 * @typedef {{ ok: number, failed: number, seconds: number, throughput: number, p50: number, p90: number,
 *   p99: number, max: number, statuses: Record<string, number>, sendLagP99?: number }} LoadResult
 */

/**
 * Saturation (no rate) runs autocannon; a fixed rate runs the paced open-loop generator, because autocannon's
 * rate limit sends each second's quota as one burst, which measures queueing behind the burst instead.
 * @param {LoadSpec} spec
 * @returns {Promise<LoadResult>}
 */
export function runLoad(spec) {
  return spec.rate ? paced(spec) : saturate(spec);
}

if (process.send) {
  process.on("message", async (/** @type {{ id: number, spec: LoadSpec }} */ msg) => {
    try {
      process.send?.({ id: msg.id, result: await runLoad(msg.spec) });
    } catch (error) {
      process.send?.({ id: msg.id, error: String(error) });
    }
  });
}
