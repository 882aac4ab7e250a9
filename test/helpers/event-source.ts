/**
 * A minimal EventSource over a Worker's fetch (workerd has no network here), for the pocketbase SDK's realtime:
 * the SDK constructs it with the realtime URL and listens with addEventListener, exactly as in a browser.
 */
import { exports } from "cloudflare:workers";
import { takeFrames } from "../realtime/helpers";

/** An event the shim dispatches: what the SDK reads of a MessageEvent. */
class SseEvent extends Event {
  constructor(
    type: string,
    readonly data: string,
    readonly lastEventId: string,
  ) {
    super(type);
  }
}

/** Reads the event stream of `url` from the Worker's default export and dispatches its frames. */
export class WorkerEventSource extends EventTarget {
  onerror: ((e: Event) => void) | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #closed = false;

  constructor(url: string) {
    super();
    void this.#run(url);
  }

  close(): void {
    this.#closed = true;
    void this.#reader?.cancel().catch(() => {});
  }

  async #run(url: string): Promise<void> {
    const res = await exports.default.fetch(new Request(url, { headers: { accept: "text/event-stream" } }));
    this.#reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    while (!this.#closed) {
      const { value, done } = await this.#reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      const { frames, rest } = takeFrames(buffer + decoder.decode(value, { stream: true }));
      buffer = rest;
      for (const f of frames) this.dispatchEvent(new SseEvent(f.event, f.data, f.id));
    }
  }
}

/** The test worker's global scope (its types lack EventSource). */
const scope = globalThis as unknown as { EventSource: unknown };

/** Installs {@link WorkerEventSource} as the global EventSource; returns the function that restores the original. */
export function installEventSource(): () => void {
  const original = scope.EventSource;
  scope.EventSource = WorkerEventSource;
  return () => {
    scope.EventSource = original;
  };
}
