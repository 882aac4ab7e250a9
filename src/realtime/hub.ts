/** The per-collection realtime hub Durable Object (SQLite-backed). Fan-out arrives with the realtime issue; for now it answers ping. */
import { DurableObject } from "cloudflare:workers";

/** One object per collection shard: holds that collection's subscribers. */
export class RealtimeHub extends DurableObject<Cloudflare.Env> {
  /** Liveness probe used by tests: reports the object's id and how many sockets it holds. */
  async ping(): Promise<{ ok: true; id: string; sockets: number }> {
    return { ok: true, id: this.ctx.id.toString(), sockets: this.ctx.getWebSockets().length };
  }
}
