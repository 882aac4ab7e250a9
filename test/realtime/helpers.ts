/** Realtime test helpers: sockets with a message queue, hub connections, and collection slices for events. */
import { env } from "cloudflare:workers";
import type { Collection } from "../../src/collections/collection";
import { createCollection } from "../../src/collections/save-collection";
import { CollectionStore } from "../../src/collections/store";
import { CONNECT_HEADER, type ConnectInfo, DEFAULT_LIMITS } from "../../src/realtime/protocol";
import { type HubKey, hubName } from "../../src/realtime/topics";
import type { ChangeEvent } from "../../src/records/events";
import type { AuthRecord } from "../../src/rules/context";

/** A parsed server message; tests check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: assertions check the shape.
export type Msg = any;

/** A client socket whose messages queue up until a test takes them. */
export class TestSocket {
  readonly ws: WebSocket;
  readonly #queue: Msg[] = [];
  readonly #waiters: ((m: Msg) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.accept();
    ws.addEventListener("message", (e) => {
      const text = String(e.data);
      // Auto-responses (pong) are plain text; everything else is JSON.
      const msg = text === "pong" ? text : JSON.parse(text);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(msg);
      else this.#queue.push(msg);
    });
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
    );
  }

  /** The next message (waits for it). */
  next(): Promise<Msg> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Sends a JSON message. */
  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Subscribes and returns the ack. */
  async subscribe(topic: string, options: Record<string, unknown> = {}): Promise<Msg> {
    this.send({ type: "subscribe", topic, ...options });
    return this.next();
  }

  /**
   * Proves nothing else is queued: an unsubscribe of an unused topic is answered in order, so the next message
   * must be its ack.
   */
  async expectQuiet(topic: string): Promise<void> {
    this.send({ type: "unsubscribe", topic });
    const msg = await this.next();
    if (msg.type !== "unsubscribed" || msg.topic !== topic)
      throw new Error(`unexpected message ${JSON.stringify(msg)}`);
  }
}

/** Opens a socket straight to a hub object, as the Worker would forward it. */
export async function connectHub(
  key: HubKey,
  info: Partial<ConnectInfo> = {},
  shard = 0,
): Promise<TestSocket> {
  const name = hubName(key, shard);
  const stub = env.REALTIME_HUB.get(env.REALTIME_HUB.idFromName(name));
  const full: ConnectInfo & { hubName: string } = {
    hub: key,
    auth: null,
    limits: DEFAULT_LIMITS,
    headers: {},
    hubName: name,
    ...info,
  };
  const res = await stub.fetch("http://hub/", {
    headers: { upgrade: "websocket", [CONNECT_HEADER]: JSON.stringify(full) },
  });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status}`);
  return new TestSocket(res.webSocket);
}

/** The hub stub of a collection (shard 0). */
export function hubStub(collection: string) {
  return env.REALTIME_HUB.get(env.REALTIME_HUB.idFromName(hubName({ kind: "collection", name: collection })));
}

/** A collection definition for change events (only what realtime reads is meaningful). */
export function collectionDef(overrides: Partial<Collection> & { name: string }): Collection {
  return {
    id: `pbc_${overrides.name}`,
    type: "base",
    system: false,
    fields: [],
    indexes: [],
    listRule: "",
    viewRule: "",
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "",
    updated: "",
    ...overrides,
  } as Collection;
}

/** A change event. */
export function change(
  action: ChangeEvent["action"],
  collection: Collection,
  record: Record<string, unknown>,
): ChangeEvent {
  return { action, collection, record };
}

/** A signed-in `users` record. */
export function user(id: string, fields: Record<string, unknown> = {}): AuthRecord {
  return { id, collectionId: "_pb_users_auth_", collectionName: "users", ...fields };
}

/** A superuser. */
export const SUPERUSER: AuthRecord = {
  id: "su0000000000001",
  collectionId: "pbc_3142635823",
  collectionName: "_superusers",
};

/** Creates a base collection in D1 whose every rule is open (guests may read and write it). */
export async function openCollection(name: string, fields: Record<string, unknown>[]): Promise<void> {
  const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
  await createCollection(
    { db: env.DB, store: new CollectionStore() },
    { name, type: "base", ...open, fields },
  );
}

/** One SSE frame: its id, event name and raw data. */
export interface SseFrame {
  id: string;
  event: string;
  data: string;
}

/**
 * Takes the complete frames off the front of `buffer`, skipping comment frames (keep-alives); returns them and
 * the unconsumed rest.
 */
export function takeFrames(buffer: string): { frames: SseFrame[]; rest: string } {
  const frames: SseFrame[] = [];
  let rest = buffer;
  for (let end = rest.indexOf("\n\n"); end >= 0; end = rest.indexOf("\n\n")) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    if (block.startsWith(":")) continue;
    const lines = Object.fromEntries(
      block.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]),
    );
    frames.push({ id: lines.id ?? "", event: lines.event ?? "message", data: lines.data ?? "" });
  }
  return { frames, rest };
}

/** One SSE frame: its id, event name and parsed data. */
export interface Frame {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** Reads SSE frames from a streaming response, skipping keep-alive comments. */
export class FrameReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #ready: Frame[] = [];

  constructor(res: Response) {
    this.#reader = (res.body as ReadableStream<Uint8Array>).getReader();
  }

  async next(): Promise<Frame> {
    for (;;) {
      const ready = this.#ready.shift();
      if (ready) return ready;
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("stream ended");
      const { frames, rest } = takeFrames(this.#buffer + this.#decoder.decode(value, { stream: true }));
      this.#buffer = rest;
      this.#ready.push(...frames.map((f) => ({ ...f, data: JSON.parse(f.data) })));
    }
  }

  /** Resolves when the server ends the stream, cleanly or by failing it. */
  async ended(): Promise<true> {
    for (;;) {
      const { done } = await this.#reader.read().catch(() => ({ done: true }));
      if (done) return true;
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}
