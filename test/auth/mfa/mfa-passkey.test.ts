/** MFA pairs with a passkey: passkey then password, password then passkey, and a refused passkey twice. */
import { beforeAll, describe, expect, it } from "vitest";
import { apiJson, BASE } from "../../helpers/request";
import {
  authed,
  createSuperuser,
  freshIp,
  type Json,
  PASSWORD,
  signIn,
  signUp,
} from "../../http/routes/auth-helpers";
import { SoftAuthenticator } from "../passkeys/soft-authenticator";

const C = "/api/collections/users";
const EMAIL = "mfa-pk@example.com";
const key = new SoftAuthenticator();
let userId: string;

const post = (path: string, body: unknown, query = "") =>
  apiJson("POST", `${C}/${path}${query}`, body, { "cf-connecting-ip": freshIp() });

async function passkeySignIn(mfaId?: string): Promise<Response> {
  const options = (await (await post("passkey-options", { identity: EMAIL })).json()) as Json;
  return post("auth-with-passkey", {
    credential: await key.assert(options, BASE),
    ...(mfaId ? { mfaId } : {}),
  });
}

const passwordSignIn = (mfaId?: string) =>
  post("auth-with-password", { identity: EMAIL, password: PASSWORD, ...(mfaId ? { mfaId } : {}) });

async function mfaIdOf(res: Response): Promise<string> {
  expect(res.status).toBe(401);
  const body = (await res.json()) as Json;
  expect(body.token).toBeUndefined();
  expect(body.mfaId).toMatch(/^[a-z0-9]{15}$/);
  return body.mfaId;
}

beforeAll(async () => {
  userId = await signUp(EMAIL);
  const token = (await signIn(EMAIL)).token;
  const options = (await (
    await authed(token, `${C}/passkeys/registration-options`, { method: "POST" })
  ).json()) as Json;
  const credential = await key.register(options, BASE);
  const registered = await authed(token, `${C}/passkeys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Laptop", credential }),
  });
  expect(registered.status).toBe(200);
  await createSuperuser("mfa-pk-admin@example.com");
  const su = (await signIn("mfa-pk-admin@example.com", "_superusers")).token;
  const mfa = await authed(su, C, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mfa: { enabled: true, duration: 600 } }),
  });
  expect(mfa.status).toBe(200);
});

describe("MFA with a passkey", () => {
  it("password first, then the passkey with mfaId, signs in", async () => {
    const mfaId = await mfaIdOf(await passwordSignIn());
    const res = await passkeySignIn(mfaId);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).record.id).toBe(userId);
  });

  it("passkey first, then the password with mfaId, signs in", async () => {
    const mfaId = await mfaIdOf(await passkeySignIn());
    const res = await passwordSignIn(mfaId);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).record.id).toBe(userId);
  });

  it("refuses the passkey as its own second factor, and keeps the pending MFA for another method", async () => {
    const mfaId = await mfaIdOf(await passkeySignIn());
    const again = await passkeySignIn(mfaId);
    expect(again.status).toBe(400);
    expect(((await again.json()) as Json).token).toBeUndefined();
    expect((await passwordSignIn(mfaId)).status).toBe(200);
  });
});
