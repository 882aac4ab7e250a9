#!/usr/bin/env node
/**
 * `npm run lock:fix`: records platform-specific optional packages (other OSes' builds of workerd, Biome, …)
 * that npm could not resolve from this workplace's registry, so that `npm ci` accepts the lock file.
 *
 * Why: npm leaves an optional dependency out of package-lock.json when the registry it reaches has no such
 * version, and `npm ci` then rejects the lock as out of sync. An entry with the version and its os/cpu is
 * enough: npm skips it on other platforms without fetching, and installs it by name on the platform it is for.
 * Run it after every `npm install` that changes package-lock.json.
 */
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = "package-lock.json";
/** @type {{ packages: Record<string, { optionalDependencies?: Record<string, string>, dev?: boolean }> }} */
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const pkgs = lock.packages;

/** @param {string} name */
function platformOf(name) {
  const n = name.split("/").pop() ?? name;
  const os = /darwin/.test(n)
    ? "darwin"
    : /win32|windows/.test(n)
      ? "win32"
      : /android/.test(n)
        ? "android"
        : /freebsd/.test(n)
          ? "freebsd"
          : /linux/.test(n)
            ? "linux"
            : undefined;
  const cpu = /arm64|aarch64/.test(n)
    ? "arm64"
    : /x64|-64$/.test(n)
      ? "x64"
      : /ia32/.test(n)
        ? "ia32"
        : undefined;
  return { os, cpu, libc: /musl/.test(n) ? "musl" : undefined };
}

/** Where npm would look for `dep` required from the package at `path` (nearest node_modules upward). */
function isResolvable(/** @type {string} */ path, /** @type {string} */ dep) {
  let dir = path;
  for (;;) {
    if (pkgs[dir ? `${dir}/node_modules/${dep}` : `node_modules/${dep}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    if (isResolvable(path, dep)) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu) {
      console.error(`skipped ${dep}: cannot tell its platform from the name`);
      continue;
    }
    /** @type {Record<string, unknown>} */
    const entry = { version: spec.replace(/^[~^=]/, ""), optional: true, os: [os], cpu: [cpu] };
    if (meta.dev) entry.dev = true;
    if (libc) entry.libc = [libc];
    pkgs[path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`] = entry;
    added++;
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock:fix: recorded ${added} platform package(s)`);
