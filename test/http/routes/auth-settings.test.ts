/** An auth collection's definition, as the API serves it, can be sent back unchanged (every option it shows is one it enforces). */
import { beforeAll, describe, expect, it } from "vitest";
import { authed, createSuperuser, type Json, signIn } from "./auth-helpers";

let su: string;

beforeAll(async () => {
  await createSuperuser("settings-admin@example.com");
  su = (await signIn("settings-admin@example.com", "_superusers")).token;
});

describe("auth collection options", () => {
  it("round-trip: the served definition saves back as it came", async () => {
    // A first save of migration 0001's `users` (its email index was already upgraded when the schema loaded).
    const upgrade = await authed(su, "/api/collections/users", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(upgrade.status).toBe(200);
    const users = (await (await authed(su, "/api/collections/users")).json()) as Json;
    expect(users.authAlert.enabled).toBe(false);
    expect(users.mfa.enabled).toBe(false);
    expect(users.oauth2.enabled).toBe(false);
    const echoed = await authed(su, "/api/collections/users", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(users),
    });
    expect(echoed.status).toBe(200);
    const again = (await echoed.json()) as Json;
    expect({ ...again, updated: users.updated }).toEqual(users);
  });
});
