/**
 * The SSE outbox: a reader gets the whole backlog per read, a reader that keeps up is never cut however much
 * passes through, and one that stops reading is cut at the cap and sees its stream fail (so the SDK reconnects).
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_BUFFERED_BYTES } from "../../src/realtime/client";
import { sseFrame } from "../../src/realtime/sse";
import { SseOutbox } from "../../src/realtime/sse-outbox";

const text = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);

describe("SseOutbox", () => {
  it("hands everything queued to one read, and closes after what is queued", async () => {
    const outbox = new SseOutbox(1_000, () => {});
    const reader = outbox.stream.getReader();
    expect(outbox.push("a\n\n")).toBe("queued");
    expect(outbox.push("b\n\n")).toBe("queued");
    expect(outbox.push("c\n\n")).toBe("queued");
    expect(outbox.backlog).toBe(9);
    expect(text((await reader.read()).value)).toBe("a\n\nb\n\nc\n\n");
    expect(outbox.backlog).toBe(0);
    // A read with nothing queued waits for the next push.
    const next = reader.read();
    outbox.push("d\n\n");
    expect(text((await next).value)).toBe("d\n\n");
    outbox.push("e\n\n");
    outbox.close();
    expect(outbox.push("f\n\n")).toBe("closed");
    expect(text((await reader.read()).value)).toBe("e\n\n");
    expect((await reader.read()).done).toBe(true);
  });

  it("refuses a push past the cap without queuing it; an abort fails the reader's stream", async () => {
    const outbox = new SseOutbox(10, () => {});
    expect(outbox.push("12345678")).toBe("queued");
    expect(outbox.push("abc")).toBe("full");
    expect(outbox.backlog).toBe(8);
    outbox.abort(new Error("behind"));
    expect(outbox.open).toBe(false);
    await expect(outbox.stream.getReader().read()).rejects.toThrow("behind");
  });

  it("tells once when the reader goes away, and takes nothing after", async () => {
    let cancelled = 0;
    const outbox = new SseOutbox(100, () => cancelled++);
    await outbox.stream.cancel();
    expect(cancelled).toBe(1);
    expect(outbox.push("x")).toBe("closed");
  });
});

/** Opens `GET /api/realtime` through the Worker; returns its reader and the client's object. */
async function openStream() {
  const res = await SELF.fetch("https://x/api/realtime");
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const clientId = /"clientId":"([^"]+)"/.exec(text((await reader.read()).value))?.[1] ?? "";
  expect(clientId).not.toBe("");
  const ns = env.REALTIME_CLIENT;
  return { reader, clientId, client: ns.get(ns.idFromName(clientId)) };
}

describe("an SSE stream through the Worker", () => {
  it("is never cut while its reader keeps up, however much passes through it", async () => {
    const { reader, client, clientId } = await openStream();
    const payload = "y".repeat(60_000);
    let received = 0;
    const rounds = Math.ceil((MAX_BUFFERED_BYTES * 2) / payload.length);
    for (let i = 0; i < rounds; i++) {
      expect(await client.deliver([{ event: "t", data: { payload } }])).toBe(true);
      while (received < (i + 1) * payload.length) {
        const { value, done } = await reader.read();
        expect(done).toBe(false);
        received += value?.byteLength ?? 0;
      }
    }
    expect(received).toBeGreaterThan(MAX_BUFFERED_BYTES * 2);
    expect(await client.isOpen(clientId)).toBe(true);
    await reader.cancel();
  });

  it("is cut at the cap when its reader stops, and the reader then sees it fail", async () => {
    const { reader, client, clientId } = await openStream();
    const payload = "z".repeat(60_000);
    const frameBytes = new TextEncoder().encode(sseFrame(clientId, "t", { payload })).byteLength;
    let delivered = 0;
    while (await client.deliver([{ event: "t", data: { payload } }])) delivered++;
    // Up to the cap was queued (plus what the runtime's pipe took before it stopped asking: a chunk or two).
    const cap = Math.floor(MAX_BUFFERED_BYTES / frameBytes);
    expect(delivered).toBeGreaterThanOrEqual(cap);
    expect(delivered).toBeLessThanOrEqual(cap + 2);
    expect(await client.isOpen(clientId)).toBe(false);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return "ended quietly";
      })(),
    ).rejects.toThrow();
  });
});
