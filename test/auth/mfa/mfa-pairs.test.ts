/**
 * MFA with every ordered pair of the five methods, password, OTP, OAuth2 (a real local OIDC provider), TOTP and
 * passkey: the first answers 401 with `mfaId`, the second completes the sign-in as the same record, and the same
 * method twice is refused. Each case has its own user with an authenticator app (codes computed independently,
 * RFC 6238), a passkey (software authenticator) and a provider account with the same verified email.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
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
import { authorize, providerConfig, REDIRECT } from "../oauth2/helpers";
import { SoftAuthenticator } from "../passkeys/soft-authenticator";
import { previousStepCode, totpAt } from "../totp/rfc6238";

type Method = "password" | "otp" | "oauth2" | "totp" | "passkey";
const METHODS: Method[] = ["password", "otp", "oauth2", "totp", "passkey"];
const C = "/api/collections/users";

/** A user able to use all four methods. */
interface User {
  id: string;
  email: string;
  secret: string;
  key: SoftAuthenticator;
  /** TOTP steps already used, counted from the current one (each code is accepted once). */
  nextStep: number;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  apiJson("POST", `${C}/${path}`, body, { "cf-connecting-ip": freshIp(), ...headers });

async function json(res: Response): Promise<Json> {
  return res.json();
}

async function setMfa(su: string, enabled: boolean): Promise<void> {
  const res = await authed(su, C, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      mfa: { enabled, duration: 600, rule: "" },
      otp: { enabled: true, duration: 180, length: 8 },
      oauth2: { enabled: true, providers: [providerConfig()] },
    }),
  });
  expect(res.status).toBe(200);
}

let su: string;

/** A verified user with a confirmed authenticator and a registered passkey (enrolled while MFA is off). */
async function fourMethodUser(email: string): Promise<User> {
  const id = await signUp(email);
  await env.DB.prepare("UPDATE users SET verified = 1 WHERE id = ?").bind(id).run();
  const { token } = await signIn(email);
  const { secret } = await json(await post("totp/enroll", {}, { authorization: token }));
  // The previous step's code: the current one stays usable for the sign-in.
  const confirm = await post(
    "totp/confirm",
    { code: await previousStepCode(secret) },
    { authorization: token },
  );
  expect(confirm.status).toBe(200);
  const key = new SoftAuthenticator();
  const options = await json(await post("passkeys/registration-options", {}, { authorization: token }));
  const registered = await post(
    "passkeys",
    { credential: await key.register(options, BASE) },
    { authorization: token },
  );
  expect(registered.status).toBe(200);
  return { id, email, secret, key, nextStep: 0 };
}

/** Signs in with one method (completing `mfaId` when given) and returns the raw response. */
async function withMethod(method: Method, user: User, mfaId?: string): Promise<Response> {
  const extra = mfaId ? { mfaId } : {};
  switch (method) {
    case "password":
      return post("auth-with-password", { identity: user.email, password: PASSWORD, ...extra });
    case "otp": {
      clearDevOutbox();
      const { otpId } = await json(await post("request-otp", { email: user.email }));
      const text = readDevOutbox().find((m) => m.to === user.email)?.text ?? "";
      const code = /one-time password is: ([0-9]+)/.exec(text)?.[1] ?? "";
      return post("auth-with-otp", { otpId, password: code, ...extra });
    }
    case "oauth2": {
      // The provider asserts the same verified email, so its account links to this record.
      const oidcUser = { sub: `sub-${user.id}`, email: user.email, email_verified: true, name: "Pair" };
      const { code, codeVerifier } = await authorize(oidcUser, "users");
      return post("auth-with-oauth2", {
        provider: "oidc",
        code,
        codeVerifier,
        redirectURL: REDIRECT,
        ...extra,
      });
    }
    case "totp": {
      // The current step, then the next (inside the ±1 window): never a step used before.
      const code = await totpAt(user.secret, Date.now() + user.nextStep * 30_000);
      user.nextStep += 1;
      return post("auth-with-totp", mfaId ? { mfaId, code } : { identity: user.email, code });
    }
    case "passkey": {
      const options = await json(await post("passkey-options", { identity: user.email }));
      return post("auth-with-passkey", { credential: await user.key.assert(options, BASE), ...extra });
    }
  }
}

async function firstFactor(method: Method, user: User): Promise<string> {
  const res = await withMethod(method, user);
  expect(res.status, `${method} first`).toBe(401);
  const body = await json(res);
  expect(body.token).toBeUndefined();
  expect(body.mfaId).toMatch(/^[a-z0-9]{15}$/);
  return body.mfaId;
}

beforeAll(async () => {
  await createSuperuser("pairs-root@example.com");
  su = (await signIn("pairs-root@example.com", "_superusers")).token;
  await setMfa(su, false);
});

const PAIRS = METHODS.flatMap((first) => METHODS.filter((m) => m !== first).map((second) => [first, second]));

describe("MFA with every pair of methods", () => {
  let users: Map<string, User>;

  beforeAll(async () => {
    users = new Map();
    for (const [first, second] of PAIRS) {
      users.set(`${first}-${second}`, await fourMethodUser(`pair-${first}-${second}@example.com`));
    }
    for (const method of METHODS) users.set(method, await fourMethodUser(`twice-${method}@example.com`));
    await setMfa(su, true);
  });

  it("has twenty ordered pairs", () => {
    expect(PAIRS).toHaveLength(20);
  });

  it.each(PAIRS)("%s then %s signs in, and spends the mfaId", async (first, second) => {
    const user = users.get(`${first}-${second}`) as User;
    const mfaId = await firstFactor(first as Method, user);
    const done = await withMethod(second as Method, user, mfaId);
    expect(done.status, await done.clone().text()).toBe(200);
    const body = await json(done);
    expect(body.record.id).toBe(user.id);
    expect((await authed(body.token, "/api/sessions")).status).toBe(200);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM _mfas WHERE id = ?")
      .bind(mfaId)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it.each(METHODS)(
    "refuses %s as its own second factor, leaving the pending MFA for another method",
    async (method) => {
      const user = users.get(method) as User;
      const mfaId = await firstFactor(method, user);
      const again = await withMethod(method, user, mfaId);
      expect(again.status).toBe(400);
      const body = await json(again);
      expect(body.data.mfaId.code).toBe("validation_invalid_mfa");
      expect(body.token).toBeUndefined();
      const other = method === "password" ? "otp" : "password";
      expect((await withMethod(other, user, mfaId)).status).toBe(200);
    },
  );
});
