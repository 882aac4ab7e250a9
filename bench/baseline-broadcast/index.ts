/** Raw broadcast Worker: one Durable Object re-sends each published body to every socket (the realtime lower bound). */
import { DurableObject } from "cloudflare:workers";

/** Bindings of this Worker (set by bench/realtime/broadcast-server.mjs, not by wrangler.toml). */
interface Env {
  BROADCAST: DurableObjectNamespace<BroadcastHub>;
}

/** Largest published body; the bench sends a few dozen bytes. */
const MAX_BODY = 16_384;

/** One room: hibernatable WebSockets and a fan-out loop, no rules, no records, no protocol. */
export class BroadcastHub extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") === "websocket") {
      const { 0: client, 1: server } = new WebSocketPair();
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    const body = await request.text();
    if (body.length > MAX_BODY) return new Response("body too large", { status: 413 });
    let delivered = 0;
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(body);
        delivered++;
      } catch {
        // A socket closing mid-loop; the others still get the message.
      }
    }
    return Response.json({ delivered });
  }

  override webSocketMessage(): void {
    // Clients only listen.
  }

  override webSocketClose(ws: WebSocket): void {
    try {
      ws.close(1000, "bye");
    } catch {
      // Already closed.
    }
  }
}

export default {
  /** GET /ws (Upgrade: websocket) joins the room; POST /publish sends the body to every socket. */
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const isWs = pathname === "/ws" && request.headers.get("upgrade") === "websocket";
    const isPublish = pathname === "/publish" && request.method === "POST";
    if (!isWs && !isPublish) return new Response("not found", { status: 404 });
    return env.BROADCAST.get(env.BROADCAST.idFromName("room")).fetch(request);
  },
} satisfies ExportedHandler<Env>;
