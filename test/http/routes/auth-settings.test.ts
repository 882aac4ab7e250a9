/** Settings stored but not enforced are refused (issue 13, finding 7): `oauth2.enabled` until OAuth2 sign-in lands. */
import { beforeAll, describe, expect, it } from "vitest";
import { authed, createSuperuser, type Json, signIn } from "./auth-helpers";

let su: string;

beforeAll(async () => {
  await createSuperuser("settings-admin@example.com");
  su = (await signIn("settings-admin@example.com", "_superusers")).token;
});

function send(method: string, path: string, body: unknown) {
  return authed(su, path, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("unenforced auth settings", () => {
  it.each([["oauth2.enabled", { oauth2: { enabled: true } }]])(
    "%s = true is a 400 on create and on update",
    async (path, settings) => {
      const created = await send("POST", "/api/collections", {
        name: `s_${path.length}`,
        type: "auth",
        ...settings,
      });
      expect(created.status).toBe(400);
      expect(((await created.json()) as Json).data[path].code).toBe("validation_not_supported");
      const updated = await send("PATCH", "/api/collections/users", settings);
      expect(updated.status).toBe(400);
      expect(((await updated.json()) as Json).data[path].code).toBe("validation_not_supported");
    },
  );

  it("reads as off, so the definition can be sent back as it came", async () => {
    const res = await authed(su, "/api/collections/users");
    const users = (await res.json()) as Json;
    expect(users.authAlert).toEqual({ enabled: false });
    expect(users.mfa.enabled).toBe(false);
    const echoed = await send("PATCH", "/api/collections/users", users);
    expect(echoed.status).toBe(200);
  });
});
