#!/usr/bin/env node
/** `npm run size`: bundles the Worker as `wrangler deploy` would (dry run) and prints raw and gzip sizes. */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const OUT = "dist";
const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;

const build = spawnSync("wrangler", ["deploy", "--dry-run", "--outdir", OUT], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

let raw = 0;
const chunks = [];
/** @type {string[]} */
const files = [];
const kib = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KiB`;
for (const name of readdirSync(OUT)) {
  const path = join(OUT, name);
  if (!statSync(path).isFile() || name.endsWith(".map") || name.endsWith(".md")) continue;
  const bytes = readFileSync(path);
  raw += bytes.length;
  chunks.push(bytes);
  // Per file: JS is parsed at every isolate start; a .wasm module (photon) is compiled at load, run on first use.
  files.push(`  ${name}: ${kib(bytes.length)} raw, ${kib(gzipSync(bytes, { level: 9 }).length)} gzip`);
}
const gzip = gzipSync(Buffer.concat(chunks), { level: 9 }).length;
console.log(`\n${files.join("\n")}`);
console.log(
  `\nbundle: ${kib(raw)} raw, ${kib(gzip)} gzip (${((gzip / FREE_PLAN_GZIP_LIMIT) * 100).toFixed(1)}% of the 3 MB Free-plan limit)`,
);
