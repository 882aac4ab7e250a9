/** Drives the load-client child: forks it once, pins it to a core of its own, sends it one load at a time. */
import { execFileSync, fork } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { ROOT } from "./config.mjs";

/** @typedef {import("./load-client.mjs").LoadSpec} LoadSpec */
/** @typedef {import("./load-client.mjs").LoadResult} LoadResult */

/**
 * Pins a process (all its threads) to one CPU with taskset; returns why not if it cannot.
 * @param {number} pid
 * @param {number} cpu
 * @returns {string | null} null when pinned, else the reason
 */
export function pin(pid, cpu) {
  // cpus() lists every online CPU; availableParallelism() would shrink once this process is pinned.
  if (cpus().length < 2) return "only one CPU";
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
    return null;
  } catch {
    return "taskset (util-linux) not available or not permitted";
  }
}

/**
 * Forks the load client on `cpu` (when pinning works).
 * @param {number} cpu
 */
export function startLoadClient(cpu) {
  const child = fork(join(ROOT, "bench", "lib", "load-client.mjs"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pinError = child.pid ? pin(child.pid, cpu) : "no pid";
  let seq = 0;
  /** @type {Map<number, { resolve: (r: LoadResult) => void, reject: (e: Error) => void }>} */
  const waiting = new Map();
  child.on("message", (/** @type {{ id: number, result?: LoadResult, error?: string }} */ msg) => {
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.result) w?.resolve(msg.result);
    else w?.reject(new Error(msg.error ?? "load client failed"));
  });
  child.on("exit", () => {
    for (const w of waiting.values()) w.reject(new Error("load client exited"));
  });
  return {
    pinError,
    /**
     * @param {LoadSpec} spec
     * @returns {Promise<LoadResult>}
     */
    run(spec) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, spec });
      });
    },
    stop() {
      child.kill();
    },
  };
}
