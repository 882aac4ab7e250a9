/**
 * Forked child of the realtime fan-out scenario (pinned to the load client's CPU): opens the subscribers,
 * publishes one message at a time and times, per published message, its arrival on every socket.
 */

/**
 * One round on one target.
 * @typedef {object} FanoutSpec
 * @property {"edgebase" | "raw"} protocol edgebase: subscribe to posts/* and create records; raw: listen, POST /publish
 * @property {string} wsUrl WebSocket URL every subscriber opens
 * @property {string} publishUrl where each message is POSTed
 * @property {number} subscribers sockets to open
 * @property {number} publishes messages to publish, one after the other
 * @property {number} timeoutMs how long a message may take to reach every socket before it counts as lost
 */

/**
 * What one round measured (latencies in ms from the client's send of the publishing POST).
 * @typedef {{ subscribers: number, publishes: number, expected: number, delivered: number,
 *   latencies: number[], postMs: number[], connectMs: number }} FanoutRound
 */

/** Sockets opened at once while connecting (a thousand simultaneous handshakes would time each other out). */
const CONNECT_BATCH = 50;

/**
 * @param {FanoutSpec} spec
 * @param {number} index
 * @param {(socket: number, msg: any) => void} onMessage
 * @returns {Promise<WebSocket>}
 */
function openSubscriber(spec, index, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.wsUrl);
    const timer = setTimeout(() => reject(new Error(`socket ${index}: not ready after 15 s`)), 15_000);
    const ready = () => {
      clearTimeout(timer);
      resolve(ws);
    };
    ws.addEventListener("error", () => reject(new Error(`socket ${index}: connection failed`)));
    ws.addEventListener("open", () => {
      if (spec.protocol === "raw") return ready();
      ws.send(JSON.stringify({ type: "subscribe", topic: "posts/*" }));
    });
    ws.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data));
      if (msg.type === "subscribed") return ready();
      if (msg.type === "error") reject(new Error(`socket ${index}: ${JSON.stringify(msg)}`));
      onMessage(index, msg);
    });
  });
}

/**
 * The request publishing message `key`: a new record whose title is the key, or the key itself.
 * @param {FanoutSpec} spec
 * @param {string} key
 * @returns {RequestInit}
 */
function publishRequest(spec, key) {
  const body =
    spec.protocol === "raw"
      ? { key }
      : {
          title: key,
          views: 0,
          published: "2026-11-23 12:00:00.000Z",
          author: "u00000000000002",
          status: "draft",
        };
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/**
 * @param {FanoutSpec} spec
 * @returns {Promise<FanoutRound>}
 */
async function runRound(spec) {
  /** @type {Map<string, { sent: number, seen: Uint8Array, count: number, done: () => void }>} */
  const inFlight = new Map();
  /** @type {number[]} */
  const latencies = [];
  const onMessage = (/** @type {number} */ socket, /** @type {any} */ msg) => {
    const key = spec.protocol === "raw" ? msg.key : msg.type === "event" ? msg.record?.title : undefined;
    const entry = typeof key === "string" ? inFlight.get(key) : undefined;
    if (!entry || entry.seen[socket]) return;
    entry.seen[socket] = 1;
    latencies.push(performance.now() - entry.sent);
    if (++entry.count === spec.subscribers) entry.done();
  };
  const connectStart = performance.now();
  /** @type {WebSocket[]} */
  const sockets = [];
  for (let i = 0; i < spec.subscribers; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, spec.subscribers - i) }, (_, k) =>
      openSubscriber(spec, i + k, onMessage),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  const connectMs = performance.now() - connectStart;
  /** @type {number[]} */
  const postMs = [];
  let delivered = 0;
  const tag = Math.random().toString(36).slice(2, 8);
  for (let p = 0; p < spec.publishes; p++) {
    const key = `rt-${tag}-${p}`;
    /** @type {() => void} */
    let done = () => {};
    const all = new Promise((resolve) => {
      done = () => resolve(true);
    });
    const entry = { sent: performance.now(), seen: new Uint8Array(spec.subscribers), count: 0, done };
    inFlight.set(key, entry);
    const response = await fetch(spec.publishUrl, publishRequest(spec, key));
    postMs.push(performance.now() - entry.sent);
    if (!response.ok) throw new Error(`publish ${p}: HTTP ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    let timer;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, spec.timeoutMs)))]);
    clearTimeout(timer);
    delivered += entry.count;
    inFlight.delete(key);
  }
  for (const ws of sockets) ws.close(1000);
  return {
    subscribers: spec.subscribers,
    publishes: spec.publishes,
    expected: spec.subscribers * spec.publishes,
    delivered,
    latencies,
    postMs,
    connectMs,
  };
}

process.on("message", async (/** @type {{ id: number, spec: FanoutSpec }} */ msg) => {
  try {
    process.send?.({ id: msg.id, result: await runRound(msg.spec) });
  } catch (error) {
    process.send?.({ id: msg.id, error: error instanceof Error ? error.message : String(error) });
  }
});
