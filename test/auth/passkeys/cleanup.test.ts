/** Deleting an auth record forgets its passkeys and known origins. */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { BASE } from "../../helpers/request";
import {
  authed,
  createSuperuser,
  eventually,
  freshIp,
  type Json,
  signIn,
  signUp,
} from "../../http/routes/auth-helpers";
import { SoftAuthenticator } from "./soft-authenticator";

async function rowsOf(userId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT (SELECT COUNT(*) FROM _passkeys WHERE recordRef = ?1) + (SELECT COUNT(*) FROM _authOrigins WHERE recordRef = ?1) AS n",
  )
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

it("deletes the passkeys and _authOrigins rows of a deleted user, and only theirs", async () => {
  await createSuperuser("cleanup-admin@example.com");
  const su = (await signIn("cleanup-admin@example.com", "_superusers")).token;
  const send = (token: string, method: string, path: string, body?: unknown) =>
    authed(token, path, {
      method,
      headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  expect((await send(su, "PATCH", "/api/collections/users", { authAlert: { enabled: true } })).status).toBe(
    200,
  );
  const ids: string[] = [];
  for (const email of ["gone@example.com", "stays@example.com"]) {
    const id = await signUp(email);
    ids.push(id);
    const token = (await signIn(email)).token;
    const options = (await (
      await send(token, "POST", "/api/collections/users/passkeys/registration-options")
    ).json()) as Json;
    const credential = await new SoftAuthenticator().register(options, BASE);
    expect((await send(token, "POST", "/api/collections/users/passkeys", { credential })).status).toBe(200);
    expect(await eventually(async () => (await rowsOf(id)) === 2)).toBe(true);
  }
  const [gone = "", stays = ""] = ids;
  expect((await send(su, "DELETE", `/api/collections/users/records/${gone}`)).status).toBe(204);
  expect(await eventually(async () => (await rowsOf(gone)) === 0)).toBe(true);
  expect(await rowsOf(stays)).toBe(2);
});
