/** workerd's inspector (Chrome DevTools Protocol) from Node: list the isolates, open a session on one. */

/** How long one inspector call may take before it is given up (an isolate may never answer). */
const CALL_TIMEOUT_MS = 3_000;

/**
 * @typedef {{ call: (method: string, params?: object, timeoutMs?: number) => Promise<any>, close: () => void }}
 *   InspectorSession
 */

/**
 * The isolates workerd's inspector lists (one per Worker script; its Durable Objects share it).
 * @param {number} port the Miniflare `inspectorPort`
 * @returns {Promise<{ id: string, title?: string, webSocketDebuggerUrl?: string }[]>}
 */
export async function listTargets(port) {
  return /** @type {any} */ (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json());
}

/**
 * One inspector session: CDP requests by id over a WebSocket.
 * @param {string} url a target's `webSocketDebuggerUrl`
 * @returns {Promise<InspectorSession>}
 */
export async function openSession(url) {
  const ws = new WebSocket(url);
  await withTimeout(
    new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", reject, { once: true });
    }),
    CALL_TIMEOUT_MS,
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
    call: (method, params = {}, timeoutMs = CALL_TIMEOUT_MS) =>
      withTimeout(
        new Promise((resolve) => {
          const id = ++next;
          waiting.set(id, resolve);
          ws.send(JSON.stringify({ id, method, params }));
        }),
        timeoutMs,
      ),
    close: () => ws.close(),
  };
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("inspector timeout")), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));
}
