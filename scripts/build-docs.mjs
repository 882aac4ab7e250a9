#!/usr/bin/env node
/**
 * Copies Scalar's standalone bundle into public/api/docs/ (Workers Static Assets), so /api/docs renders with
 * no CDN. Run by `npm run dev`, `npm test` and `npm run deploy`; the copy is git-ignored.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

// The package's `exports` hide dist/browser, so the file is found by path from the project root.
const source = join("node_modules", "@scalar", "api-reference", "dist", "browser", "standalone.js");
const target = join("public", "api", "docs", "scalar.js");

if (!existsSync(source)) {
  console.error(`Scalar's standalone bundle is missing (${source}): is @scalar/api-reference installed?`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
if (!existsSync(target) || statSync(target).mtimeMs < statSync(source).mtimeMs) copyFileSync(source, target);
