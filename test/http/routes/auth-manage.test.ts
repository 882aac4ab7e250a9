/** manageRule with real tokens: a manager changes another user's password (no oldPassword); their sessions end. */
import { beforeAll, describe, expect, it } from "vitest";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, eventually, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

const BOSS = '@request.auth.email = "boss@example.com"';

function patch(token: string, path: string, body: unknown): Promise<Response> {
  return authed(token, path, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  await createSuperuser("root@example.com");
  const su = await signIn("root@example.com", "_superusers");
  const res = await patch(su.token, "/api/collections/users", {
    updateRule: `id = @request.auth.id || ${BOSS}`,
    manageRule: BOSS,
  });
  expect(res.status).toBe(200);
});

describe("manageRule", () => {
  it("lets a manager set another user's password and verified flag; the user's sessions end", async () => {
    const annId = await signUp("ann@example.com");
    await signUp("boss@example.com");
    const ann = await signIn("ann@example.com");
    const boss = await signIn("boss@example.com");
    const res = await patch(boss.token, `/api/collections/users/records/${annId}`, {
      password: "set by the boss",
      passwordConfirm: "set by the boss",
      verified: true,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).verified).toBe(true);
    expect((await authed(ann.token, "/api/sessions")).status).toBe(401);
    const refresh = () =>
      apiJson("POST", "/api/collections/users/auth-refresh", { refreshToken: ann.refreshToken });
    expect(await eventually(async () => (await refresh()).status === 401)).toBe(true);
    expect((await signIn("ann@example.com", "users", "set by the boss")).record.id).toBe(annId);
  });

  it("a non-manager still needs the old password for its own and cannot touch others", async () => {
    const bobId = await signUp("bob@example.com");
    const carolId = await signUp("carol@example.com");
    const bob = await signIn("bob@example.com");
    const own = await patch(bob.token, `/api/collections/users/records/${bobId}`, {
      password: "new password 1",
      passwordConfirm: "new password 1",
    });
    expect(own.status).toBe(400);
    const other = await patch(bob.token, `/api/collections/users/records/${carolId}`, {
      password: "new password 1",
      passwordConfirm: "new password 1",
    });
    expect(other.status).toBe(404);
    expect((await signIn("carol@example.com", "users", PASSWORD)).record.id).toBe(carolId);
  });
});
