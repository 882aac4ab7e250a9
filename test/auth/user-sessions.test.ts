import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { UserSessions } from "../../src/auth/user-sessions";

describe("UserSessions Durable Object", () => {
  it("answers ping over RPC with its own id", async () => {
    const id = env.USER_SESSIONS.idFromName("user-1");
    const result = await env.USER_SESSIONS.get(id).ping();
    expect(result).toEqual({ ok: true, id: id.toString() });
  });

  it("is a SQLite-backed object", async () => {
    const stub = env.USER_SESSIONS.get(env.USER_SESSIONS.idFromName("user-2"));
    await runInDurableObject(stub, (instance, state) => {
      expect(instance).toBeInstanceOf(UserSessions);
      expect(state.storage.sql.exec("SELECT 1 AS one").one()).toEqual({ one: 1 });
    });
  });
});
