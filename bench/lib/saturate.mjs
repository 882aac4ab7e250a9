/** Saturation load with autocannon: `connections` requests always in flight for `seconds`. */
import autocannon from "autocannon";
import { summarize } from "./latency.mjs";

/** @typedef {import("./load-client.mjs").LoadSpec} LoadSpec */
/** @typedef {import("./load-client.mjs").LoadResult} LoadResult */

/**
 * Runs autocannon closed-loop; latencies come from its per-response event, exact to the microsecond.
 * @param {LoadSpec} spec
 * @returns {Promise<LoadResult>}
 */
export async function saturate(spec) {
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
  return summarize(latencies, result.errors + result.timeouts + result.non2xx, result.duration, statuses);
}
