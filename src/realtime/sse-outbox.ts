/**
 * The outgoing side of one SSE stream: text queued by events, handed to the reader as ONE chunk per read.
 * A TransformStream gives the runtime one chunk per event; under load its pump (which shares the isolate with
 * the requests that make the events) then falls behind by thousands of small chunks, and the stream lags
 * seconds behind the WebSocket subscribers of the same hub. Here each read takes the whole backlog, so a reader
 * that gets any turn at all catches up in that turn.
 */

import { concatBytes } from "../lib/bytes";

/** What {@link SseOutbox.push} did with the text. */
export type PushResult = "queued" | "full" | "closed";

/** A pull-based byte queue for one SSE response, capped at `maxBytes` not yet taken by the reader. */
export class SseOutbox {
  /** The response body. */
  readonly stream: ReadableStream<Uint8Array>;
  readonly #max: number;
  readonly #encoder = new TextEncoder();
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #state: "open" | "closing" | "done" = "open";
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  /** Resolves a read that found nothing queued (the stream waits for it before asking again). */
  #waiting: (() => void) | undefined;

  /**
   * @param maxBytes bytes queued beyond which a push is refused (the reader has stopped or fallen too far behind)
   * @param onCancel called once when the reader goes away (the client disconnected)
   */
  constructor(maxBytes: number, onCancel: () => void) {
    this.#max = maxBytes;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          if (this.#bytes > 0 || this.#state !== "open") {
            this.#drain();
            return;
          }
          return new Promise<void>((resolve) => {
            this.#waiting = resolve;
          });
        },
        cancel: () => {
          this.#finish();
          onCancel();
        },
      },
      // Nothing is pulled ahead of the reader: what it has not read stays here, counted against the cap.
      { highWaterMark: 0 },
    );
  }

  /** Bytes queued and not yet read. */
  get backlog(): number {
    return this.#bytes;
  }

  /** Whether the stream still takes text. */
  get open(): boolean {
    return this.#state === "open";
  }

  /** Queues text for the reader; "full" when that would pass the cap (nothing is queued then). */
  push(text: string): PushResult {
    if (this.#state !== "open") return "closed";
    const bytes = this.#encoder.encode(text);
    if (this.#bytes + bytes.byteLength > this.#max) return "full";
    this.#chunks.push(bytes);
    this.#bytes += bytes.byteLength;
    this.#wake();
    return "queued";
  }

  /** Ends the stream after the reader has taken what is queued. */
  close(): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#wake();
  }

  /** Ends the stream now, dropping what is queued: the reader sees an error (a client then reconnects). */
  abort(reason: Error): void {
    if (this.#state === "done") return;
    this.#finish();
    try {
      this.#controller.error(reason);
    } catch {
      // Already closed or errored.
    }
  }

  #wake(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    this.#drain();
    waiting();
  }

  /** Hands everything queued to the reader as one chunk, and closes after it when closing. */
  #drain(): void {
    if (this.#state === "done") return;
    if (this.#bytes > 0) {
      const chunk =
        this.#chunks.length === 1 ? (this.#chunks[0] as Uint8Array) : concatBytes(this.#chunks, this.#bytes);
      this.#chunks = [];
      this.#bytes = 0;
      this.#controller.enqueue(chunk);
    }
    if (this.#state === "closing") {
      this.#finish();
      this.#controller.close();
    }
  }

  #finish(): void {
    this.#state = "done";
    this.#chunks = [];
    this.#bytes = 0;
    this.#waiting?.();
    this.#waiting = undefined;
  }
}
