/** The per-user session Durable Object (SQLite-backed). Sessions arrive with the auth issue; for now it answers ping. */
import { DurableObject } from "cloudflare:workers";

/** One object per user: holds that user's sessions. Never a global singleton. */
export class UserSessions extends DurableObject<Cloudflare.Env> {
  /** Liveness probe used by tests and health checks: reports the object's id. */
  async ping(): Promise<{ ok: true; id: string }> {
    return { ok: true, id: this.ctx.id.toString() };
  }
}
