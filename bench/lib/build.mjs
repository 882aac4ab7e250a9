/** Bundles the bench Workers with `wrangler deploy --dry-run` (exactly what a deploy uploads) and sizes them. */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { BUILD_DIR, ROOT, readCompatibility } from "./config.mjs";

/** Entry of each bench Worker, relative to the repository root. `deploy` is the shipped entry, for sizing. */
export const ENTRIES = /** @type {const} */ ({
  deploy: "src/index.ts",
  edgebase: "bench/workers/edgebase.ts",
  "edgebase-cached": "bench/workers/edgebase-cached.ts",
  "edgebase-soak": "bench/workers/edgebase-soak.ts",
  baseline: "bench/baseline/index.ts",
  hello: "bench/workers/hello.ts",
  broadcast: "bench/baseline-broadcast/index.ts",
});

/** @typedef {keyof typeof ENTRIES} BundleName */
/** @typedef {{ name: BundleName, dir: string, main: string, raw: number, gzip: number, buildMs: number }} Bundle */

const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * Builds one Worker into bench/.build/<name>/ and measures its size the way `npm run size` does.
 * @param {BundleName} name
 * @param {{ minify?: boolean }} [options] minify: false builds readable code (CPU profiles), whatever the config says
 * @returns {Bundle}
 */
export function buildBundle(name, options = {}) {
  const dir = join(BUILD_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const args = [WRANGLER, "deploy", ENTRIES[name], "--dry-run", "--outdir", dir];
  if (name !== "deploy" && name !== "edgebase" && name !== "edgebase-cached" && name !== "edgebase-soak")
    args.push("--config", bindingFreeConfig(name));
  if (options.minify === false) args.push("--no-minify");
  // process.execPath is the pinned Node 22 when run through `npm run bench`; wrangler refuses older ones.
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (result.status !== 0) {
    throw new Error(`wrangler could not bundle ${ENTRIES[name]}:\n${result.stdout}\n${result.stderr}`);
  }
  const buildMs = performance.now() - started;
  // wrangler also writes a README.md and source maps next to the bundle; neither is uploaded.
  const files = readdirSync(dir).filter((f) => /\.(m?js|wasm)$/.test(f) && statSync(join(dir, f)).isFile());
  const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
  const main = files.find((f) => f.endsWith(".js"));
  if (!main) throw new Error(`wrangler wrote no bundle for ${ENTRIES[name]}`);
  return {
    name,
    dir,
    main: join(dir, main),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    buildMs,
  };
}

/**
 * A wrangler config with the project's compatibility settings and no bindings: the baseline and hello Workers
 * do not export the Durable Object classes that wrangler.toml binds, so its config would fail their build.
 * @param {string} name
 */
function bindingFreeConfig(name) {
  const { compatibilityDate, compatibilityFlags } = readCompatibility();
  const path = join(BUILD_DIR, `wrangler.${name}.toml`);
  mkdirSync(BUILD_DIR, { recursive: true });
  const flags = compatibilityFlags.map((f) => JSON.stringify(f)).join(", ");
  writeFileSync(
    path,
    `name = "bench-${name}"\ncompatibility_date = "${compatibilityDate}"\ncompatibility_flags = [${flags}]\nsend_metrics = false\n`,
  );
  return path;
}
