/**
 * A real OpenID Connect provider for the OAuth2 tests (oauth2-mock-server on a free port). Tests choose who
 * signs in by adding `test_user=<JSON>` to the authorization URL they open: the provider then issues the code
 * for that user, answers the token and userinfo endpoints with that user's claims, accepts each code once,
 * and, when the user asks for it, tampers with the ID token (`tamper`: iss, aud, exp, none, kid).
 */
import { generateKeyPair, SignJWT } from "jose";
import { OAuth2Server } from "oauth2-mock-server";
import type { TestProject } from "vitest/node";

/** The user a test signs in as. */
export interface TestUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  picture?: string;
  tamper?: "iss" | "aud" | "exp" | "none" | "kid";
}

declare module "vitest" {
  export interface ProvidedContext {
    oidc: { issuer: string };
  }
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  const stranger = await generateKeyPair("RS256");
  // The server's events are synchronous: the ID token is signed when the code is issued, long before the
  // token request arrives, and read from `ready` then.
  const codes = new Map<string, { user: TestUser; idToken: string }>();

  async function idTokenFor(user: TestUser, clientId: string): Promise<string> {
    const issuer = server.issuer.url ?? "";
    const { tamper, ...claims } = user;
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      ...claims,
      iss: tamper === "iss" ? "https://evil.example.com" : issuer,
      aud: tamper === "aud" ? "someone-else" : clientId,
      iat: now - 10,
      exp: tamper === "exp" ? now - 5 : now + 600,
    };
    if (tamper === "none") return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`;
    if (tamper === "kid") {
      return new SignJWT(payload)
        .setProtectedHeader({ alg: "RS256", kid: "not-in-jwks" })
        .sign(stranger.privateKey);
    }
    return server.issuer.buildToken({
      scopesOrTransform: (_header, p) => {
        for (const key of Object.keys(p)) delete p[key];
        Object.assign(p, payload);
      },
    });
  }

  server.service.on(
    "beforeAuthorizeRedirect",
    (redirect: { url: URL }, req: { query: Record<string, unknown> }) => {
      const code = redirect.url.searchParams.get("code");
      const raw = typeof req.query.test_user === "string" ? req.query.test_user : "";
      if (!code || !raw) return;
      const user = JSON.parse(raw) as TestUser;
      const entry = { user, idToken: "" };
      codes.set(code, entry);
      void idTokenFor(user, String(req.query.client_id ?? "")).then((token) => {
        entry.idToken = token;
      });
    },
  );

  server.service.on(
    "beforeResponse",
    (
      response: { body: Record<string, unknown>; statusCode: number },
      req: { body: Record<string, string> },
    ) => {
      const entry = codes.get(req.body.code ?? "");
      codes.delete(req.body.code ?? "");
      if (!entry?.idToken) {
        response.statusCode = 400;
        response.body = { error: "invalid_grant", error_description: "unknown or used code" };
        return;
      }
      const { tamper: _tamper, ...claims } = entry.user;
      // The access token carries the user, so userinfo can answer for it without server-side state.
      response.body = { ...response.body, access_token: `at.${b64url(claims)}`, id_token: entry.idToken };
    },
  );

  server.service.on(
    "beforeUserinfo",
    (response: { body: unknown; statusCode: number }, req: { headers: Record<string, string> }) => {
      const token = /^Bearer at\.(.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!token) {
        response.statusCode = 401;
        response.body = { error: "invalid_token" };
        return;
      }
      response.body = JSON.parse(Buffer.from(token, "base64url").toString());
    },
  );

  await server.start(0, "127.0.0.1");
  project.provide("oidc", { issuer: server.issuer.url ?? "" });
  return async () => {
    await server.stop();
  };
}
