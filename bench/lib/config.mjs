/** Paths, dataset sizes and the runtime settings shared by every part of the bench. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

/** Repository root (the bench always runs from a checkout). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Scratch output: bundles and seeded local state; ignored by git. */
export const BUILD_DIR = join(ROOT, "bench", ".build");
/** Persisted Miniflare state (D1 databases), reused across runs while the seed version matches. */
export const STATE_DIR = join(BUILD_DIR, "state");
/** Run files land here; full runs are committed. */
export const RESULTS_DIR = join(ROOT, "bench", "results");

/** Row counts of the posts datasets, by dataset name. */
export const DATASETS = /** @type {const} */ ({ "10k": 10_000, "100k": 100_000, "1m": 1_000_000 });

/** @typedef {keyof typeof DATASETS} DatasetName */

/** Cloudflare's Free-plan limit on a Worker's gzip-compressed bundle. */
export const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;

/** HS256 secret of the tokens the bench signs for the baseline (the baseline's own "auth"). */
export const BASELINE_JWT_SECRET = "bench-secret-not-for-production-0123456789";

/** @type {Record<string, unknown> | undefined} */
let wranglerOptions;

/**
 * The Miniflare options `wrangler dev` would derive from wrangler.toml (bindings, Durable Objects,
 * compatibility), so the bench serves Edgebase with exactly the project's configuration.
 * @returns {Record<string, unknown>}
 */
export function wranglerWorkerOptions() {
  wranglerOptions ??= /** @type {Record<string, unknown>} */ (
    unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions
  );
  return wranglerOptions;
}

/**
 * The compatibility date and flags of wrangler.toml, so the bench serves bundles exactly as deployed.
 * @returns {{ compatibilityDate: string, compatibilityFlags: string[] }}
 */
export function readCompatibility() {
  const { compatibilityDate, compatibilityFlags } = wranglerWorkerOptions();
  if (typeof compatibilityDate !== "string") throw new Error("wrangler.toml has no compatibility_date");
  return { compatibilityDate, compatibilityFlags: /** @type {string[]} */ (compatibilityFlags ?? []) };
}
