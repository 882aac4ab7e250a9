/**
 * Fixed-rate load, open loop: request i leaves at start + i / rate whatever happened before, so a slow
 * response delays no later request. Latency counts from the actual send; how late sends left their schedule
 * (the client's own stalls on a busy machine) is reported separately as `sendLagP99`.
 */
import { Agent, request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { summarize } from "./latency.mjs";

/** @typedef {import("./load-client.mjs").LoadSpec} LoadSpec */
/** @typedef {import("./load-client.mjs").LoadResult} LoadResult */

/** Cap on requests in flight; beyond it requests wait for a socket (and their latency shows it). */
const MAX_IN_FLIGHT = 64;
/** A request not answered in this time counts as failed. */
const TIMEOUT_MS = 10_000;

/**
 * @param {LoadSpec} spec spec.rate requests per second for spec.seconds
 * @returns {Promise<LoadResult>}
 */
export async function paced(spec) {
  const rate = spec.rate ?? 1;
  const target = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const { method, paths, headers = {}, body } = spec.request;
  const allHeaders = { ...(body ? { "content-type": "application/json" } : {}), ...headers };
  /** @type {number[]} */
  const latencies = [];
  /** @type {number[]} */
  const lags = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  let failed = 0;
  /** @type {Promise<void>[]} */
  const inFlight = [];
  const total = Math.max(1, Math.round(rate * spec.seconds));
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    // Timers fire no finer than ~1 ms: above ~1,000 req/s several requests leave per wake-up, each on time.
    if (wait >= 1) await sleep(wait);
    const path = paths[i % paths.length] ?? "/";
    const sent = performance.now();
    lags.push(sent - due);
    inFlight.push(
      send(target, agent, { method, path, headers: allHeaders, body }).then(
        (status) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 300) latencies.push(performance.now() - sent);
          else failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  const result = summarize(latencies, failed, (performance.now() - start) / 1000, statuses);
  lags.sort((a, b) => a - b);
  return { ...result, sendLagP99: lags[Math.floor(lags.length * 0.99)] ?? 0 };
}

/**
 * One HTTP request; resolves with the status once the whole body arrived.
 * @param {URL} target
 * @param {Agent} agent
 * @param {{ method: string, path: string, headers: Record<string, string>, body?: string }} req
 * @returns {Promise<number>}
 */
function send(target, agent, req) {
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        agent,
        method: req.method,
        path: req.path,
        headers: req.headers,
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error("timeout")));
    r.on("error", reject);
    r.end(req.body);
  });
}
