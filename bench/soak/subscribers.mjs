/**
 * Realtime subscribers of `posts/*`: PocketBase SSE streams and native WebSockets, guests and signed in. Some
 * WebSockets reconnect periodically with `since` to prove the event log fills the gap.
 */
import { eventKey } from "./ledger.mjs";

/**
 * What one subscriber saw.
 * @typedef {{ name: string, kind: "sse" | "ws", viewer: string | null, subscribedAt: number,
 *   seen: Map<string, number>, leaks: string[], resyncs: number, reconnects: number,
 *   gaps: { afterKey: string, from: number, to: number }[], errors: string[] }} Seen
 */

/**
 * Records one delivered event; flags what this viewer must not receive.
 * @param {Seen} s
 * @param {string} action
 * @param {any} record
 * @param {Set<string>} failTitles
 */
function record(s, action, record, failTitles) {
  const key = eventKey(action, String(record?.id), String(record?.title));
  s.seen.set(key, (s.seen.get(key) ?? 0) + 1);
  const leak =
    record && "secret" in record
      ? "hidden field `secret` sent"
      : failTitles.has(record?.title)
        ? "row of a failed batch sent"
        : record?.status !== "published" && record?.owner !== s.viewer
          ? "someone else's draft sent"
          : null;
  if (leak && s.leaks.length < 100) s.leaks.push(`${s.name}: ${leak} (${key})`);
}

/**
 * @param {string} name
 * @param {"sse" | "ws"} kind
 * @param {string | null} viewer
 * @returns {Seen}
 */
function seen(name, kind, viewer) {
  return {
    name,
    kind,
    viewer,
    subscribedAt: Number.POSITIVE_INFINITY,
    seen: new Map(),
    leaks: [],
    resyncs: 0,
    reconnects: 0,
    gaps: [],
    errors: [],
  };
}

/** The PocketBase SDK's reconnect delays (ms) after an SSE stream ends or fails; the last one repeats. */
const SSE_RECONNECT_MS = [200, 300, 500, 1000, 1200, 1500, 2000];

/**
 * A PocketBase SSE subscriber that behaves like the SDK: opens the stream, subscribes with its auth, records
 * events, and when the stream ends or fails, opens a new one (a new client id) and subscribes again. Each
 * outage is a gap: events committed after the last one it received and before the new subscription may be
 * missed legitimately (SSE has no resume cursor); every other one must arrive.
 * @param {string} base
 * @param {{ name: string, token: string | null, viewer: string | null, failTitles: Set<string>, clock: () => number }} o
 */
export async function openSse(base, o) {
  const s = seen(o.name, "sse", o.viewer);
  let stopped = false;
  /** @type {AbortController | null} */
  let abort = null;
  /** The `sentAt` key of the last event received on the current stream: a gap starts after it. */
  let lastKey = "";
  /** One stream: resolves with how it ended once subscribed and drained; rejects if it cannot subscribe. */
  const connect = async () => {
    const controller = new AbortController();
    abort = controller;
    try {
      return await stream(controller);
    } catch (error) {
      controller.abort();
      throw error;
    }
  };
  /** @param {AbortController} controller */
  const stream = async (controller) => {
    const res = await fetch(`${base}/api/realtime`, { signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(`GET /api/realtime answered ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let received = 0;
    /** @type {(id: string) => void} */
    let gotClientId = () => {};
    const clientId = new Promise((resolve) => {
      gotClientId = resolve;
    });
    const pump = (async () => {
      for (;;) {
        const { value, done, error } = await reader
          .read()
          .then((r) => ({ ...r, error: null }))
          .catch((e) => ({ value: "", done: true, error: e }));
        if (done) return error ? `failed (${error?.cause?.code ?? error?.message ?? error})` : "ended";
        buffer += value;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event:(.*)$/m.exec(block)?.[1]?.trim();
          const data = /^data:(.*)$/m.exec(block)?.[1];
          if (!event || data === undefined) continue;
          const parsed = parseOr(data, s);
          if (!parsed) continue;
          if (event === "PB_CONNECT") gotClientId(parsed.clientId);
          else if (event === "posts/*") {
            received++;
            lastKey = eventKey(parsed.action, String(parsed.record?.id), String(parsed.record?.title));
            record(s, parsed.action, parsed.record, o.failTitles);
          }
        }
      }
    })();
    const id = await Promise.race([
      clientId,
      new Promise((_, reject) => setTimeout(() => reject(new Error("no PB_CONNECT")), 15_000)),
    ]);
    const sub = await fetch(`${base}/api/realtime`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(o.token ? { authorization: o.token } : {}) },
      body: JSON.stringify({ clientId: id, subscriptions: ["posts/*"] }),
    });
    await sub.arrayBuffer();
    if (sub.status !== 204 && sub.status !== 200) throw new Error(`subscribe answered ${sub.status}`);
    return { subscribed: o.clock(), ended: pump.then((how) => ({ how, received })) };
  };
  const first = await connect().catch((error) => {
    throw new Error(`${o.name}: ${error instanceof Error ? error.message : error}`);
  });
  s.subscribedAt = first.subscribed;
  const loop = (async () => {
    let current = first;
    for (;;) {
      const { how, received } = await current.ended;
      if (stopped) return;
      const gap = { afterKey: lastKey, from: o.clock(), to: Number.POSITIVE_INFINITY };
      s.gaps.push(gap);
      if (s.errors.length < 20)
        s.errors.push(`stream ${how} at ${(gap.from / 1000).toFixed(0)} s after ${received} events`);
      for (let attempt = 0; !stopped; attempt++) {
        await sleep(SSE_RECONNECT_MS[Math.min(attempt, SSE_RECONNECT_MS.length - 1)] ?? 2_000);
        if (stopped) return;
        try {
          current = await connect();
          break;
        } catch (error) {
          if (s.errors.length < 20)
            s.errors.push(`reconnect: ${error instanceof Error ? error.message : error}`);
        }
      }
      if (stopped) return;
      s.reconnects++;
      gap.to = current.subscribed;
    }
  })();
  return {
    seen: s,
    close: async () => {
      stopped = true;
      abort?.abort();
      await loop;
    },
  };
}

/**
 * A native WebSocket subscriber; with `reconnectEveryMs` it drops the socket that often, stays away `gapMs`,
 * and comes back with `since` set to the last sequence number it saw.
 * @param {string} base
 * @param {{ name: string, token: string | null, viewer: string | null, failTitles: Set<string>, clock: () => number,
 *   reconnectEveryMs: number, gapMs: number }} o
 */
export async function openWs(base, o) {
  const s = seen(o.name, "ws", o.viewer);
  let lastSeq = -1;
  let stopped = false;
  /** @type {WebSocket | null} */
  let ws = null;
  // A signed-in socket authenticates with a single-use ticket (tokens never go in URLs), one per connect.
  const ticketFor = async () => {
    const res = await fetch(`${base}/api/realtime/ticket`, {
      method: "POST",
      headers: { authorization: /** @type {string} */ (o.token) },
    });
    if (!res.ok) throw new Error(`${o.name}: realtime ticket ${res.status}`);
    return /** @type {{ ticket: string }} */ (await res.json()).ticket;
  };
  const connect = async () => {
    const ticket = o.token ? await ticketFor() : null;
    return new Promise((resolve, reject) => {
      const params = new URLSearchParams({ collection: "posts" });
      if (ticket) params.set("ticket", ticket);
      if (lastSeq >= 0) params.set("since", String(lastSeq));
      const socket = new WebSocket(`${base.replace(/^http/, "ws")}/api/realtime/ws?${params}`);
      ws = socket;
      const timer = setTimeout(() => reject(new Error(`${o.name}: not subscribed after 15 s`)), 15_000);
      socket.addEventListener("open", () =>
        socket.send(
          JSON.stringify({
            type: "subscribe",
            topic: "posts/*",
            ...(lastSeq >= 0 ? { since: lastSeq } : {}),
          }),
        ),
      );
      socket.addEventListener("error", (e) =>
        reject(new Error(`${o.name}: socket error ${/** @type {any} */ (e).message ?? ""}`.trim())),
      );
      socket.addEventListener("close", (e) => {
        if (!stopped && socket === ws && s.errors.length < 20)
          s.errors.push(`closed by the server: ${e.code} ${e.reason}`);
      });
      socket.addEventListener("message", (e) => {
        const text = String(e.data);
        if (text === "pong") return;
        const msg = parseOr(text, s);
        if (!msg) return;
        if (typeof msg.seq === "number" && msg.type !== "subscribed") lastSeq = Math.max(lastSeq, msg.seq);
        if (msg.type === "subscribed") {
          if (lastSeq < 0) lastSeq = msg.seq;
          clearTimeout(timer);
          resolve(undefined);
        } else if (msg.type === "event") record(s, msg.action, msg.record, o.failTitles);
        else if (msg.type === "resync") s.resyncs++;
        else if (msg.type === "error" && s.errors.length < 20)
          s.errors.push(JSON.stringify(msg).slice(0, 200));
      });
    });
  };
  await connect();
  s.subscribedAt = o.clock();
  const loop = (async () => {
    while (!stopped && o.reconnectEveryMs > 0) {
      await sleep(o.reconnectEveryMs);
      if (stopped) return;
      const old = /** @type {WebSocket | null} */ (ws);
      ws = null;
      old?.close(1000, "reconnect");
      await sleep(o.gapMs);
      if (stopped) return;
      s.reconnects++;
      await connect().catch((error) => s.errors.push(String(error)));
    }
  })();
  return {
    seen: s,
    close: async () => {
      stopped = true;
      /** @type {WebSocket | null} */ (ws)?.close(1000, "done");
      await loop;
    },
  };
}

/**
 * Parses a frame; an unparseable one is recorded as the subscriber's error (never thrown: it would end the run).
 * @param {string} text
 * @param {Seen} s
 */
function parseOr(text, s) {
  try {
    return JSON.parse(text);
  } catch {
    if (s.errors.length < 20) s.errors.push(`unparseable frame: ${text.slice(0, 80)}`);
    return null;
  }
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Opens `count` subscribers: half SSE, half WebSocket; in each half, every other one signed in; every other
 * signed-in or guest WebSocket reconnects with `since`.
 * @param {string} base
 * @param {number} count
 * @param {{ users: import("./setup.mjs").SoakUser[], failTitles: Set<string>, clock: () => number,
 *   reconnectEveryMs: number }} o
 */
export async function openSubscribers(base, count, o) {
  const subs = [];
  for (let i = 0; i < count; i++) {
    const user = i % 2 === 1 ? o.users[Math.floor(i / 2) % o.users.length] : undefined;
    const common = {
      token: user?.token ?? null,
      viewer: user?.id ?? null,
      failTitles: o.failTitles,
      clock: o.clock,
    };
    if (i < count / 2)
      subs.push(await openSse(base, { name: `sse-${i}${user ? "-user" : "-guest"}`, ...common }));
    else {
      const reconnects = Math.floor(i / 2) % 2 === 0;
      subs.push(
        await openWs(base, {
          name: `ws-${i}${user ? "-user" : "-guest"}${reconnects ? "-since" : ""}`,
          ...common,
          reconnectEveryMs: reconnects ? o.reconnectEveryMs : 0,
          gapMs: 2_000,
        }),
      );
    }
  }
  return subs;
}
