/**
 * JS heap of the Worker's isolate over time, through workerd's inspector (`--heap`): after a forced GC, what
 * Edgebase's own code (the Worker and every Durable Object of its script, which share that isolate) keeps alive.
 * Set beside workerd's RSS, it tells Edgebase's growth from the runtime's (SQLite pages, sockets, Miniflare's
 * own services).
 */
import { listTargets, openSession } from "../lib/inspector.mjs";

/** @typedef {{ t: number, pid: number, name: string, rssMb: number }} HeapSample `rssMb` holds the heap's MB */

/**
 * Samples every isolate the inspector lists every `everyMs`: GC (unless `gc` is false: then the heap holds
 * garbage not yet collected too), then `Runtime.getHeapUsage`.
 * @param {number} port the Miniflare `inspectorPort`
 * @param {number} everyMs
 * @param {boolean} [gc]
 * @returns {Promise<{ samples: HeapSample[], targets: string[], stop: () => void }>}
 */
export async function sampleHeap(port, everyMs, gc = true) {
  const list = await listTargets(port);
  const opened = await Promise.all(
    list
      .filter((t) => t.webSocketDebuggerUrl)
      .map(async (t) => {
        try {
          return { name: t.id, s: await openSession(/** @type {string} */ (t.webSocketDebuggerUrl)) };
        } catch {
          return undefined;
        }
      }),
  );
  const sessions = opened.filter((x) => x !== undefined);
  /** @type {HeapSample[]} */
  const samples = [];
  const started = performance.now();
  let busy = false;
  const take = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const [i, { name, s }] of sessions.entries()) {
        const usage = await (gc ? s.call("HeapProfiler.collectGarbage") : Promise.resolve())
          .then(() => s.call("Runtime.getHeapUsage"))
          .catch(() => undefined);
        if (typeof usage?.usedSize !== "number") continue;
        const t = (performance.now() - started) / 1000;
        // Live objects, and what V8 keeps committed for the heap (it need not return freed pages at once).
        samples.push({ t, pid: 2 * i, name: `live ${name}`, rssMb: usage.usedSize / 2 ** 20 });
        samples.push({ t, pid: 2 * i + 1, name: `committed ${name}`, rssMb: usage.totalSize / 2 ** 20 });
      }
    } finally {
      busy = false;
    }
  };
  await take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    targets: sessions.map((x) => x.name),
    stop: () => {
      clearInterval(timer);
      for (const { s } of sessions) s.close();
    },
  };
}

/**
 * @typedef {{ callFrame: import("../lib/profile.mjs").CallFrame, selfSize: number, children: HeapNode[] }}
 *   HeapNode a node of V8's sampling heap profile: bytes still alive, allocated at this stack
 */

/**
 * Starts V8's sampling heap profiler on the isolates whose inspector id starts with `prefix` (`--heap-profile`):
 * `stop` forces a GC and returns, per allocation stack, the sampled bytes still alive, i.e. what grew.
 * @param {number} port
 * @param {string} prefix e.g. "core:user:"
 */
export async function startHeapSampling(port, prefix) {
  const targets = (await listTargets(port)).filter((t) => t.webSocketDebuggerUrl && t.id.startsWith(prefix));
  const sessions = await Promise.all(
    targets.map(async (t) => ({
      name: t.id,
      s: await openSession(/** @type {string} */ (t.webSocketDebuggerUrl)),
    })),
  );
  for (const { s } of sessions) await s.call("HeapProfiler.startSampling", { samplingInterval: 16_384 });
  return {
    /** @returns {Promise<{ name: string, head: HeapNode }[]>} */
    async stop() {
      const out = [];
      for (const { name, s } of sessions) {
        await s.call("HeapProfiler.collectGarbage", {}, 30_000).catch(() => undefined);
        const result = await s.call("HeapProfiler.getSamplingProfile", {}, 60_000).catch(() => undefined);
        await s.call("HeapProfiler.stopSampling").catch(() => undefined);
        s.close();
        if (result?.profile?.head) out.push({ name, head: result.profile.head });
      }
      return out;
    },
  };
}

/**
 * The live bytes of a sampling heap profile by allocation stack (the innermost `depth` bundle frames, each
 * named with its module), largest first.
 * @param {HeapNode} head
 * @param {(url: string, line: number) => string} moduleOf
 * @param {number} [depth]
 * @returns {{ stack: string, bytes: number }[]}
 */
export function retainedByStack(head, moduleOf, depth = 4) {
  /** @type {Map<string, number>} */
  const bytes = new Map();
  /** @param {HeapNode} node @param {string[]} path */
  const walk = (node, path) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const here = url ? [...path, `${functionName || "(anonymous)"} (${moduleOf(url, lineNumber)})`] : path;
    if (node.selfSize > 0) {
      const key = here.slice(-depth).reverse().join(" ← ") || "(no script frame)";
      bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, []);
  return [...bytes].map(([stack, b]) => ({ stack, bytes: b })).sort((a, b) => b.bytes - a.bytes);
}
