/** Resident memory of this process's workerd children over time (Linux /proc), for growth checks. */
import { readdirSync, readFileSync } from "node:fs";
import { slope } from "./stats.mjs";

/** @typedef {{ t: number, pid: number, name: string, rssMb: number }} RssSample */

/**
 * Descendant process ids of `root` (children of children included), from /proc/<pid>/stat's parent field.
 * @param {number} root
 * @returns {number[]}
 */
function descendants(root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: fields start after the last ")".
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {}
  }
  const out = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const child of children.get(/** @type {number} */ (stack.pop())) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

/**
 * RSS of one process in MB, or null when it is gone (or /proc is unavailable).
 * @param {number} pid
 */
function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? "?";
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? { name, rssMb: kb / 1024 } : null;
  } catch {
    return null;
  }
}

/**
 * Samples this process and its workerd descendants every `everyMs` until stopped.
 * @param {number} everyMs
 * @returns {{ samples: RssSample[], stop: () => void }}
 */
export function sampleRss(everyMs) {
  /** @type {RssSample[]} */
  const samples = [];
  const started = performance.now();
  const take = () => {
    const t = (performance.now() - started) / 1000;
    for (const pid of [process.pid, ...descendants(process.pid)]) {
      const found = rssOf(pid);
      if (found && (pid === process.pid || found.name.startsWith("workerd")))
        samples.push({
          t,
          pid,
          rssMb: found.rssMb,
          name: pid === process.pid ? "client (node)" : found.name,
        });
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

/**
 * Memory growth of one process over the second half of a run: the least-squares slope of its RSS (MB per
 * minute) and the rise that slope implies across that half. A process "keeps growing" when both exceed their
 * limits: the slope alone flags noise on short runs, the rise alone flags a one-off step (a cache filling).
 * @param {RssSample[]} samples one process's samples, in time order
 * @param {{ slopeMbPerMin: number, riseMb: number }} limits
 */
export function secondHalfGrowth(samples, limits) {
  const end = samples[samples.length - 1]?.t ?? 0;
  const half = samples.filter((s) => s.t >= end / 2);
  const perSecond =
    half.length >= 3
      ? slope(
          half.map((s) => s.t),
          half.map((s) => s.rssMb),
        )
      : 0;
  const span = (half[half.length - 1]?.t ?? 0) - (half[0]?.t ?? 0);
  const slopeMbPerMin = perSecond * 60;
  const riseMb = perSecond * span;
  return {
    slopeMbPerMin,
    riseMb,
    first: samples[0]?.rssMb ?? 0,
    last: samples[samples.length - 1]?.rssMb ?? 0,
    peak: Math.max(0, ...samples.map((s) => s.rssMb)),
    growing: slopeMbPerMin > limits.slopeMbPerMin && riseMb > limits.riseMb,
  };
}
