/** Serves the bench bundles in ONE Miniflare (workerd) instance, each Worker on its own direct socket. */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { BASELINE_JWT_SECRET, readCompatibility, STATE_DIR, wranglerWorkerOptions } from "./config.mjs";

/** @typedef {import("./config.mjs").DatasetName} DatasetName */
/** @typedef {"edgebase" | "edgebase-cached" | "baseline" | "hello"} TargetKind */
/** @typedef {{ mf: Miniflare, urls: Map<string, string>, dispose: () => Promise<void> }} Server */

/**
 * Name of the Worker serving `kind` on `dataset` (the hello Worker has no data).
 * @param {TargetKind} kind
 * @param {DatasetName} [dataset]
 */
export function workerName(kind, dataset) {
  return kind === "hello" ? "hello" : `${kind}-${dataset}`;
}

/**
 * The D1 database id of a dataset: Workers giving the same id share one database.
 * @param {DatasetName} dataset
 */
export function databaseId(dataset) {
  return `posts-${dataset}`;
}

/**
 * The LOGS D1 database id of a dataset's Edgebase Workers (request logs, apart from the posts as deployed).
 * @param {DatasetName} dataset
 */
export function logsDatabaseId(dataset) {
  return `logs-${dataset}`;
}

/**
 * The baseline's R2 bucket of a dataset: its hand-written file endpoints' (scenarios/files.mjs).
 * @param {DatasetName} dataset
 */
export function baselineBuckets(dataset) {
  return { FILES: `baseline-files-${dataset}` };
}

/** wrangler's keys that the bench sets itself or that do not apply to a prebuilt bundle. */
const OWN_KEYS = new Set([
  "rootPath",
  "modulesRules",
  "compatibilityDate",
  "compatibilityFlags",
  "d1Databases",
  "kvNamespaces",
  // Static files (the API reference): deployed, Cloudflare routes /api/* to the Worker before any asset
  // lookup; locally Miniflare would put an asset router Worker in front of every request.
  "assets",
]);

/**
 * Edgebase's bindings from wrangler.toml (Durable Objects, vars, ...), with D1 and KV pointed at the dataset.
 * @param {DatasetName} dataset
 */
function edgebaseBindings(dataset) {
  const options = wranglerWorkerOptions();
  /** @type {Record<string, unknown>} */
  const kept = {};
  for (const [key, value] of Object.entries(options)) {
    // wrangler lists every binding kind, mostly empty; older Miniflare releases reject kinds they do not know.
    const empty =
      !value ||
      (typeof value === "object" &&
        Object.values(value).every((v) => (Array.isArray(v) ? v.length === 0 : !v)));
    if (!OWN_KEYS.has(key) && !empty) kept[key] = value;
  }
  const names = (/** @type {unknown} */ ns) => Object.keys(/** @type {object} */ (ns ?? {}));
  return {
    ...kept,
    d1Databases: Object.fromEntries(
      names(options.d1Databases).map((b) => [
        b,
        b === "LOGS" ? logsDatabaseId(dataset) : databaseId(dataset),
      ]),
    ),
    kvNamespaces: Object.fromEntries(
      names(options.kvNamespaces).map((b) => [b, `${b.toLowerCase()}-${dataset}`]),
    ),
  };
}

/**
 * Every module of a bundle directory: the main script first, then wrangler's other chunks and its WASM files.
 * Miniflare's `scriptPath` loads only the main script, and a bundle importing a `.wasm` (@cf-wasm/photon)
 * would fail to start.
 * @param {string} scriptPath
 */
export function bundleModules(scriptPath) {
  const dir = dirname(scriptPath);
  const others = readdirSync(dir).filter((f) => join(dir, f) !== scriptPath);
  /** @type {{ type: "ESModule" | "CompiledWasm", path: string }[]} */
  const modules = [{ type: "ESModule", path: scriptPath }];
  for (const f of others) {
    if (/\.m?js$/.test(f)) modules.push({ type: "ESModule", path: join(dir, f) });
    else if (f.endsWith(".wasm")) modules.push({ type: "CompiledWasm", path: join(dir, f) });
  }
  return { modules, modulesRoot: dir };
}

/**
 * Options of one Worker. Edgebase gets every binding of wrangler.toml; the baseline only D1 and its secret.
 * @param {TargetKind} kind
 * @param {string} scriptPath
 * @param {DatasetName} [dataset]
 * @returns {import("miniflare").V4WorkerOptions}
 */
export function workerOptions(kind, scriptPath, dataset) {
  const base = {
    name: workerName(kind, dataset),
    ...bundleModules(scriptPath),
    ...readCompatibility(),
    // A direct socket skips Miniflare's entry Worker (which rewrites every request); see PLATFORM.md.
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  };
  if (kind === "hello" || !dataset) return base;
  const d1Databases = { DB: databaseId(dataset) };
  if (kind === "baseline") return { ...base, d1Databases, bindings: { JWT_SECRET: BASELINE_JWT_SECRET } };
  return { ...base, ...edgebaseBindings(dataset), ...webhookQueue(dataset) };
}

/**
 * The webhook delivery queue of a dataset's Edgebase Workers, with no consumer: Miniflare allows one consumer
 * per queue (wrangler.toml's would be declared by every Edgebase Worker here), and deliveries are not what the
 * bench measures. Deployed, the consumer runs in invocations of its own; here it would take the measured
 * Worker's one CPU. Messages simply wait in the local queue.
 * @param {DatasetName} dataset
 */
function webhookQueue(dataset) {
  const { queueProducers } = wranglerWorkerOptions();
  const queue = `edgebase-webhooks-${dataset}`;
  return {
    queueProducers: Object.fromEntries(
      Object.keys(queueProducers ?? {}).map((b) => [b, { queueName: queue }]),
    ),
    queueConsumers: {},
  };
}

/**
 * Starts one workerd with the given Workers (the first also answers Miniflare's own URL) on persisted state.
 * @param {import("miniflare").V4WorkerOptions[]} workers
 * @param {{ persist?: boolean | string, onLog?: (log: { level: string, message: string }) => void,
 *   inspectorPort?: number }} [options]
 *   persist: keep D1 data in bench/.build/state (default true), in memory (false) or in the given directory;
 *   onLog: receives workerd's log lines (Miniflare prints them otherwise); inspectorPort: open workerd's
 *   inspector there (the soak's `--heap`)
 * @returns {Promise<Server>}
 */
export async function startServer(workers, options = {}) {
  // Miniflare 5 takes its own config shape; the v4 shape (documented in its README) converts to it.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers,
      ...(options.persist === false
        ? {}
        : { resourcePersistencePath: typeof options.persist === "string" ? options.persist : STATE_DIR }),
      ...(options.onLog ? { handleStructuredLogs: options.onLog } : {}),
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    }),
  );
  await mf.ready;
  const urls = new Map();
  for (const w of workers) {
    if (!w.name) continue;
    urls.set(w.name, (await mf.unsafeGetDirectURL(w.name)).href.replace(/\/$/, ""));
  }
  return { mf, urls, dispose: () => mf.dispose() };
}
