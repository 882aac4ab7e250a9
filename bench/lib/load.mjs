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
 * Forks a bench child module on `cpu` (when pinning works); `run` sends it one job (`{ id, spec }`) and resolves
 * with its answer (`{ id, result }`, or `{ id, error }` to reject).
 * @param {string} script path of the child module
 * @param {number} cpu
 */
export function forkPinned(script, cpu) {
  const child = fork(script, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const pinError = child.pid ? pin(child.pid, cpu) : "no pid";
  let seq = 0;
  /** @type {Map<number, { resolve: (r: unknown) => void, reject: (e: Error) => void }>} */
  const waiting = new Map();
  child.on("message", (/** @type {{ id: number, result?: unknown, error?: string }} */ msg) => {
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.result) w?.resolve(msg.result);
    else w?.reject(new Error(msg.error ?? `${script} failed`));
  });
  child.on("exit", () => {
    for (const w of waiting.values()) w.reject(new Error(`${script} exited`));
  });
  return {
    pinError,
    /**
     * @param {unknown} spec
     * @returns {Promise<unknown>}
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

/**
 * Forks the load client on `cpu` (when pinning works).
 * @param {number} cpu
 */
export function startLoadClient(cpu) {
  const child = forkPinned(join(ROOT, "bench", "lib", "load-client.mjs"), cpu);
  return {
    ...child,
    /**
     * @param {LoadSpec} spec
     * @returns {Promise<LoadResult>}
     */
    run: (spec) => /** @type {Promise<LoadResult>} */ (child.run(spec)),
  };
}
