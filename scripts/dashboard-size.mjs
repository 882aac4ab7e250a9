#!/usr/bin/env node
/**
 * `npm run dashboard:size`: checks the built dashboard's first screen against its budget (issue 19: 200 KB gzip).
 * The first screen is what public/_/index.html loads before any route's lazy chunk: its entry script and styles
 * and every module it preloads. Run after `npm run dashboard:build`; exits 1 over budget or with nothing built.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = "public/_";
const BUDGET = 200 * 1024;

const indexPath = join(ROOT, "index.html");
if (!existsSync(indexPath)) {
  console.error(`${indexPath} is missing: run \`npm run dashboard:build\` first.`);
  process.exit(1);
}
const html = readFileSync(indexPath, "utf8");
// Vite writes `src="/_/assets/…"` / `href="/_/assets/…"` for the entry, its preloads and its stylesheet.
const assets = [
  ...new Set([...html.matchAll(/(?:src|href)="\/_\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => String(m[1]))),
];
if (assets.length === 0) {
  console.error(`${indexPath} names no script or stylesheet: the build looks broken.`);
  process.exit(1);
}

const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
let total = gzipSync(html, { level: 9 }).length;
console.log(`  index.html: ${kb(total)} gzip`);
for (const asset of assets) {
  const size = gzipSync(readFileSync(join(ROOT, asset)), { level: 9 }).length;
  total += size;
  console.log(`  ${asset}: ${kb(size)} gzip`);
}
const verdict = total <= BUDGET ? "within" : "OVER";
console.log(`Dashboard first screen: ${kb(total)} gzip, ${verdict} the ${kb(BUDGET)} budget.`);
if (total > BUDGET) process.exit(1);
