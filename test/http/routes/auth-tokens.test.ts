/** Token tampering through HTTP: every forged, stale or misused token gets the same 401 on a route needing auth. */
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { signingKey } from "../../../src/auth/token-keys";
import { signToken, type TokenType } from "../../../src/auth/tokens";
import { api } from "../../helpers/request";
import { authed, createSuperuser, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

const USERS = "_pb_users_auth_";
const b64 = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
const parts = (token: string) => token.split(".") as [string, string, string];
const decode = (part: string) => JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));

async function secretOf(collectionId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT options FROM _collections WHERE id = ?")
    .bind(collectionId)
    .first<{ options: string }>();
  return JSON.parse(row?.options ?? "{}").tokenSecret;
}

async function tokenKeyOf(id: string): Promise<string> {
  const row = await env.DB.prepare("SELECT tokenKey FROM users WHERE id = ?")
    .bind(id)
    .first<{ tokenKey: string }>();
  return row?.tokenKey ?? "";
}

let ann: { id: string; token: string; sid: string };
let bobId: string;
let suToken: string;
const cases: [string, () => Promise<string>][] = [];

function signAs(
  type: TokenType,
  claims: Record<string, unknown>,
  options: { now?: Date; ttl?: number } = {},
) {
  return async () =>
    signToken(type, { sub: ann.id, collectionId: USERS, ...claims } as never, {
      secret: await secretOf(USERS),
      tokenKey: await tokenKeyOf(ann.id),
      now: options.now,
      ttlSeconds: options.ttl,
    });
}

/** A token with any header, correctly signed with Ann's real auth key (jose refuses to sign some headers). */
async function manual(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const key = await signingKey({
    secret: await secretOf(USERS),
    type: "auth",
    tokenKey: await tokenKeyOf(ann.id),
  });
  const input = `${b64(header)}.${b64(payload)}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
  const sig = btoa(String.fromCharCode(...mac))
    .replaceAll("=", "")
    .replaceAll("+", "-")
    .replaceAll("/", "_");
  return `${input}.${sig}`;
}

/** A token signed with another HMAC algorithm, keyed with the raw collection secret. */
async function swapped(alg: string): Promise<string> {
  const key = new TextEncoder().encode(await secretOf(USERS));
  return new SignJWT(claims()).setProtectedHeader({ alg, typ: "JWT" }).sign(key);
}

const claims = () => {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: ann.id,
    collectionId: USERS,
    sid: ann.sid,
    refreshable: true,
    type: "auth",
    iat: now,
    exp: now + 600,
  };
};

beforeAll(async () => {
  const id = await signUp("ann@example.com");
  const signedIn = await signIn("ann@example.com");
  ann = { id, token: signedIn.token, sid: decode(parts(signedIn.token)[1]).sid };
  bobId = await signUp("bob@example.com");
  await createSuperuser("root@example.com");
  suToken = (await signIn("root@example.com", "_superusers")).token;
});

const none = (alg: string) => async () => `${b64({ alg, typ: "JWT" })}.${b64(claims())}.`;
cases.push(
  ["alg none", none("none")],
  ["alg None", none("None")],
  ["alg NONE", none("NONE")],
  ["alg nOnE", none("nOnE")],
  [
    "alg none with the original signature",
    async () => `${b64({ alg: "none", typ: "JWT" })}.${parts(ann.token)[1]}.${parts(ann.token)[2]}`,
  ],
  ["alg swapped to HS512 (collection secret as key)", () => swapped("HS512")],
  ["alg swapped to HS384 (collection secret as key)", () => swapped("HS384")],
  [
    "alg header RS256 over an HS256 signature",
    async () => `${b64({ alg: "RS256", typ: "JWT" })}.${parts(ann.token)[1]}.${parts(ann.token)[2]}`,
  ],
  ["typ missing", () => manual({ alg: "HS256" }, claims())],
  ["crit header", () => manual({ alg: "HS256", typ: "JWT", crit: ["exp"] }, claims())],
  ["signature stripped (trailing dot)", async () => `${parts(ann.token)[0]}.${parts(ann.token)[1]}.`],
  ["signature stripped (two parts)", async () => `${parts(ann.token)[0]}.${parts(ann.token)[1]}`],
  [
    "signature altered",
    async () => {
      const [h, p, s] = parts(ann.token);
      return `${h}.${p}.${s.startsWith("A") ? "B" : "A"}${s.slice(1)}`;
    },
  ],
  [
    "signature of another token",
    async () => `${parts(ann.token)[0]}.${parts(ann.token)[1]}.${parts(suToken)[2]}`,
  ],
  [
    "payload changed: sub of another user",
    async () => {
      const [h, p, s] = parts(ann.token);
      return `${h}.${b64({ ...decode(p), sub: bobId })}.${s}`;
    },
  ],
  [
    "payload changed: exp extended",
    async () => {
      const [h, p, s] = parts(ann.token);
      return `${h}.${b64({ ...decode(p), exp: decode(p).exp + 1 })}.${s}`;
    },
  ],
  [
    "expired",
    signAs("auth", { sid: "x", refreshable: true }, { now: new Date(Date.now() - 7200_000), ttl: 60 }),
  ],
  [
    "not yet valid (iat in the future)",
    signAs("auth", { sid: "x", refreshable: true }, { now: new Date(Date.now() + 3600_000) }),
  ],
  [
    "not yet valid (nbf in the future)",
    async () =>
      manual({ alg: "HS256", typ: "JWT" }, { ...claims(), nbf: Math.floor(Date.now() / 1000) + 3600 }),
  ],
  ["verification token as auth token", signAs("verification", { email: "ann@example.com" })],
  ["password reset token as auth token", signAs("passwordReset", { email: "ann@example.com" })],
  [
    "email change token as auth token",
    signAs("emailChange", { email: "ann@example.com", newEmail: "x@example.com" }),
  ],
  ["file token as auth token", signAs("file", {})],
  ["auth token of an unknown session", signAs("auth", { sid: "nosuchsession00", refreshable: true })],
  [
    "token from another collection (collectionId swapped)",
    async () => {
      const [h, p, s] = parts(suToken);
      return `${h}.${b64({ ...decode(p), collectionId: USERS })}.${s}`;
    },
  ],
  [
    "token signed with another collection's secret",
    async () =>
      signToken(
        "auth",
        { sub: ann.id, collectionId: USERS, sid: ann.sid, refreshable: true },
        {
          secret: await secretOf("pbc_3142635823"),
          tokenKey: await tokenKeyOf(ann.id),
        },
      ),
  ],
  [
    "unknown collection",
    async () => {
      const [h, p, s] = parts(ann.token);
      return `${h}.${b64({ ...decode(p), collectionId: "nosuchcollection" })}.${s}`;
    },
  ],
  [
    "oversized",
    async () =>
      `${parts(ann.token)[0]}.${b64({ ...claims(), pad: "x".repeat(5000) })}.${parts(ann.token)[2]}`,
  ],
  ["garbage", async () => "not-a-token"],
  ["three empty parts", async () => ".."],
  ["payload not JSON", async () => `${parts(ann.token)[0]}.bm90IGpzb24.${parts(ann.token)[2]}`],
);

describe("token tampering", () => {
  it("the genuine token and a hand-signed copy of its claims work (controls)", async () => {
    const res = await authed(ann.token, "/api/sessions");
    expect(res.status).toBe(200);
    const copy = await manual({ alg: "HS256", typ: "JWT" }, claims());
    expect((await authed(copy, "/api/sessions")).status).toBe(200);
    expect(res.headers.get("www-authenticate")).toBeNull();
  });

  it(`refuses ${cases.length} forged or misused tokens with one 401 body`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const bodies = new Set<string>();
    for (const [name, make] of cases) {
      const token = await make();
      for (const header of [token, `Bearer ${token}`]) {
        const res = await authed(header, "/api/sessions");
        expect(res.status, name).toBe(401);
        expect(res.headers.get("www-authenticate"), name).toMatch(/^Bearer error="invalid_token"/);
        bodies.add(await res.text());
      }
    }
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0] ?? "")).toEqual({
      status: 401,
      message: "The request requires valid authorization token.",
      data: {},
    });
  });

  it("the tokens of a deleted user and of a changed password are refused the same way", async () => {
    const carolId = await signUp("carol@example.com");
    const carol = await signIn("carol@example.com");
    const daveId = await signUp("dave@example.com");
    const dave = await signIn("dave@example.com");
    const changed = await authed(carol.token, `/api/collections/users/records/${carolId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        oldPassword: PASSWORD,
        password: "a new password!",
        passwordConfirm: "a new password!",
      }),
    });
    expect(changed.status).toBe(200);
    const deleted = await authed(dave.token, `/api/collections/users/records/${daveId}`, {
      method: "DELETE",
    });
    expect(deleted.status).toBe(204);
    const bodies = new Set<string>();
    for (const token of [carol.token, dave.token]) {
      const res = await authed(token, "/api/sessions");
      expect(res.status).toBe(401);
      bodies.add(await res.text());
    }
    const control = await authed("garbage", "/api/sessions");
    bodies.add(await control.text());
    expect(bodies.size).toBe(1);
  });
});

describe("guests on public routes", () => {
  it("an invalid token makes the request a guest one, with www-authenticate saying why", async () => {
    const expired = await signAs(
      "auth",
      { sid: ann.sid, refreshable: true },
      { now: new Date(Date.now() - 7200_000), ttl: 60 },
    )();
    const res = await authed(expired, "/api/collections/users/auth-methods");
    expect(res.status).toBe(200);
    expect(res.headers.get("www-authenticate")).toContain("The token has expired.");
    // users' viewRule is `id = @request.auth.id`: as a guest Ann's own record is not visible.
    const view = await authed(expired, `/api/collections/users/records/${ann.id}`);
    expect(view.status).toBe(404);
    const asAnn = await authed(ann.token, `/api/collections/users/records/${ann.id}`);
    expect(((await asAnn.json()) as Json).id).toBe(ann.id);
  });

  it("no Authorization header: a guest without www-authenticate", async () => {
    const res = await api("/api/collections/users/auth-methods");
    expect(res.status).toBe(200);
    expect(res.headers.get("www-authenticate")).toBeNull();
    const sessions = await api("/api/sessions");
    expect(sessions.status).toBe(401);
  });
});

describe("no token oracle (issue 13, finding 11)", () => {
  it("a forged token says the same for a real record id as for an unknown one", async () => {
    const forge = (sub: string) =>
      new SignJWT({ type: "auth", collectionId: USERS, sid: "s1", refreshable: true })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode("an attacker's own key, not the collection secret"));
    const reasons: (string | null)[] = [];
    for (const sub of [ann.id, "nosuchrecord000"]) {
      const res = await authed(await forge(sub), "/api/collections/users/auth-methods");
      expect(res.status).toBe(200);
      reasons.push(res.headers.get("www-authenticate"));
    }
    expect(reasons[0]).toContain("The token signature is invalid.");
    expect(reasons[1]).toBe(reasons[0]);
  });
});
