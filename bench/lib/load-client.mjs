/**
 * The load generator, run as a forked child pinned to its own core: receives one load spec per IPC message,
 * drives autocannon and answers with exact latency percentiles (autocannon's histogram rounds to whole ms).
 */
import autocannon from "autocannon";

/**
 * One request shape; `paths` rotate (e.g. a pool of record ids), the rest is fixed.
 * @typedef {{ method: string, paths: string[], headers?: Record<string, string>, body?: string }} RequestSpec
 */
/**
 * @typedef {{ url: string, request: RequestSpec, seconds: number, connections: number, rate?: number }} LoadSpec
 * @typedef {{ ok: number, failed: number, seconds: number, throughput: number, p50: number, p90: number,
 *   p99: number, max: number, statuses: Record<string, number> }} LoadResult
 */

/**
 * Runs one load and summarizes it. Only 2xx responses count as served; any other status or error is `failed`.
 * @param {LoadSpec} spec
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(spec) {
  const { paths, method, headers, body } = spec.request;
  let next = 0;
  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {autocannon.Options} */
  const options = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    ...(spec.rate ? { overallRate: spec.rate } : {}),
    requests: [
      {
        method: /** @type {autocannon.Request["method"]} */ (method),
        headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
        ...(body ? { body } : {}),
        setupRequest: (req) => {
          req.path = paths[next++ % paths.length] ?? "/";
          return req;
        },
      },
    ],
  };
  /** @type {autocannon.Result} */
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client, status, _bytes, ms) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  const at = (/** @type {number} */ q) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const seconds = result.duration;
  return {
    ok: sorted.length,
    failed: result.errors + result.timeouts + result.non2xx,
    seconds,
    throughput: sorted.length / seconds,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? 0,
    statuses,
  };
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
