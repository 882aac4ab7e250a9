/** Turns the response times of one load into the summary both generators report. */

/**
 * @param {number[]} latencies milliseconds of the 2xx responses
 * @param {number} failed responses that were not 2xx, errors and timeouts
 * @param {number} seconds duration of the load
 * @param {Record<string, number>} statuses responses per status code
 * @returns {import("./load-client.mjs").LoadResult}
 */
export function summarize(latencies, failed, seconds, statuses) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (/** @type {number} */ q) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    ok: sorted.length,
    failed,
    seconds,
    throughput: sorted.length / seconds,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? 0,
    statuses,
  };
}
