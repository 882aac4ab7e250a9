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
for (const name of readdirSync(OUT)) {
  const path = join(OUT, name);
  if (!statSync(path).isFile() || name.endsWith(".map")) continue;
  const bytes = readFileSync(path);
  raw += bytes.length;
  chunks.push(bytes);
}
const gzip = gzipSync(Buffer.concat(chunks), { level: 9 }).length;
const kib = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `\nbundle: ${kib(raw)} raw, ${kib(gzip)} gzip (${((gzip / FREE_PLAN_GZIP_LIMIT) * 100).toFixed(1)}% of the 3 MB Free-plan limit)`,
);
