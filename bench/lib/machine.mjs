/** Facts recorded with every run: commit, tool versions and the machine, so runs can be compared honestly. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "./config.mjs";

const require = createRequire(join(ROOT, "package.json"));

/** @param {string} name */
function versionOf(name) {
  try {
    return /** @type {{ version: string }} */ (require(`${name}/package.json`)).version;
  } catch {
    return "unknown";
  }
}

/** @param {string[]} args */
function git(args) {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

/** Commit and whether the work tree had uncommitted changes (others may be editing it during a run). */
export function commitInfo() {
  const changed = git(["status", "--porcelain"]).split("\n").filter(Boolean).length;
  return { commit: git(["rev-parse", "HEAD"]) || "unknown", uncommittedFiles: changed };
}

/** Versions of the runtime pieces that shape the numbers. */
export function versions() {
  const miniflareRequire = createRequire(require.resolve("miniflare"));
  let workerd = "unknown";
  try {
    workerd = /** @type {{ version: string }} */ (miniflareRequire("workerd/package.json")).version;
  } catch {}
  const pkg = /** @type {{ version: string }} */ (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))
  );
  return {
    edgebase: pkg.version,
    node: process.version,
    wrangler: versionOf("wrangler"),
    miniflare: versionOf("miniflare"),
    workerd,
    autocannon: versionOf("autocannon"),
    hono: versionOf("hono"),
    drizzle: versionOf("drizzle-orm"),
    zod: versionOf("zod"),
  };
}

/** CPU, memory and current load (the machine is shared: the load average says how noisy the run was). */
export function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? "unknown",
    cpus: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
