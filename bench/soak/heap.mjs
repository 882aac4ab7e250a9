/**
 * JS heap of the Worker's isolate over time, through workerd's inspector (`--heap`): after a forced GC, what
 * Edgebase's own code (the Worker and every Durable Object of its script, which share that isolate) keeps alive.
 * Set beside workerd's RSS, it tells Edgebase's growth from the runtime's (SQLite pages, sockets, Miniflare's
 * own services).
 */
/** @typedef {{ t: number, pid: number, name: string, rssMb: number }} HeapSample `rssMb` holds the heap's MB */

/**
 * One inspector session: CDP requests by id over a WebSocket.
 * @param {string} url
 */
async function session(url) {
  const ws = new WebSocket(url);
  await withTimeout(
    new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", reject, { once: true });
    }),
  );
  let next = 0;
  /** @type {Map<number, (result: any) => void>} */
  const waiting = new Map();
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(String(event.data));
    if (msg.id === undefined) return;
    waiting.get(msg.id)?.(msg.result ?? { error: msg.error });
    waiting.delete(msg.id);
  });
  return {
    /**
     * @param {string} method
     * @returns {Promise<any>} the result; rejects after CALL_TIMEOUT_MS (an isolate may never answer)
     */
    call: (method, params = {}) =>
      withTimeout(
        new Promise((resolve) => {
          const id = ++next;
          waiting.set(id, resolve);
          ws.send(JSON.stringify({ id, method, params }));
        }),
      ),
    close: () => ws.close(),
  };
}

/** How long one inspector call may take before the sample skips that isolate. */
const CALL_TIMEOUT_MS = 3_000;

/**
 * @template T
 * @param {Promise<T>} promise
 * @returns {Promise<T>}
 */
function withTimeout(promise) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("inspector timeout")), CALL_TIMEOUT_MS);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));
}

/**
 * Samples every isolate the inspector lists every `everyMs`: GC (unless `gc` is false: then the heap holds
 * garbage not yet collected too), then `Runtime.getHeapUsage`.
 * @param {number} port the Miniflare `inspectorPort`
 * @param {number} everyMs
 * @param {boolean} [gc]
 * @returns {Promise<{ samples: HeapSample[], targets: string[], stop: () => void }>}
 */
export async function sampleHeap(port, everyMs, gc = true) {
  const list = /** @type {{ title?: string, id: string, webSocketDebuggerUrl?: string }[]} */ (
    await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()
  );
  const opened = await Promise.all(
    list
      .filter((t) => t.webSocketDebuggerUrl)
      .map(async (t) => {
        try {
          return { name: t.id, s: await session(/** @type {string} */ (t.webSocketDebuggerUrl)) };
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
