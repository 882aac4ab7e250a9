/** Server-sent event framing as PocketBase writes it: `id`, `event`, `data` lines and a blank line. */

/** One SSE frame; `data` is sent as JSON on one line (JSON.stringify never emits raw newlines). */
export function sseFrame(id: string, event: string, data: unknown): string {
  return `id:${id}\nevent:${event}\ndata:${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps idle proxies from closing the stream. */
export const SSE_KEEPALIVE = ":ping\n\n";
