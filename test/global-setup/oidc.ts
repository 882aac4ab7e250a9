/**
 * A real OpenID Connect provider for the OAuth2 tests (oauth2-mock-server on a free port). Tests choose who
 * signs in by adding `test_user=<JSON>` to the authorization URL they open: the provider then issues the code
 * for that user, answers the token and userinfo endpoints with that user's claims, accepts each code once,
 * and, when the user asks for it, tampers with the ID token (`tamper`: iss, aud, exp, none, kid). Named
 * providers' tests give `profile` (the userinfo answer, shaped like that provider's) and `emails` (the answer of
 * `/userinfo/emails`, GitHub's and Bitbucket's emails endpoint; 404 without it), and `clientAuth` to refuse a
 * token request that does not send the client secret that way, and `userinfoHeaders` that userinfo requires.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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
  profile?: Record<string, unknown>;
  emails?: unknown;
  clientAuth?: "basic" | "post";
  /** Headers userinfo requires (Twitch's Client-Id): without them it answers 400. */
  userinfoHeaders?: Record<string, string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    oidc: { issuer: string };
  }
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A running provider: its issuer URL (endpoints `/authorize`, `/token`, `/userinfo`, `/jwks`). */
export interface OidcProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts the provider on a free port of 127.0.0.1 (the workers tests' global setup, and the browser tests). */
export async function startOidcProvider(): Promise<OidcProvider> {
  // `/userinfo/emails` reaches the userinfo handler too (path-to-regexp's optional segment).
  const server = new OAuth2Server(undefined, undefined, { endpoints: { userinfo: "/userinfo{/:rest}" } });
  await server.issuer.keys.generate("RS256");
  const stranger = await generateKeyPair("RS256");
  // The server's events are synchronous: the ID token is signed when the code is issued, long before the
  // token request arrives, and read from `ready` then.
  const codes = new Map<string, { user: TestUser; idToken: string }>();

  async function idTokenFor(user: TestUser, clientId: string): Promise<string> {
    const issuer = server.issuer.url ?? "";
    const {
      tamper,
      profile: _profile,
      emails: _emails,
      clientAuth: _auth,
      userinfoHeaders: _headers,
      ...claims
    } = user;
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
      req: { body: Record<string, string>; headers: Record<string, string | undefined> },
    ) => {
      const entry = codes.get(req.body.code ?? "");
      codes.delete(req.body.code ?? "");
      if (!entry?.idToken) {
        response.statusCode = 400;
        response.body = { error: "invalid_grant", error_description: "unknown or used code" };
        return;
      }
      const sent = req.headers.authorization?.startsWith("Basic ")
        ? "basic"
        : req.body.client_secret
          ? "post"
          : "none";
      if (entry.user.clientAuth && entry.user.clientAuth !== sent) {
        response.statusCode = 401;
        response.body = { error: "invalid_client" };
        return;
      }
      const { tamper: _tamper, ...claims } = entry.user;
      // The access token carries the user, so userinfo can answer for it without server-side state.
      response.body = { ...response.body, access_token: `at.${b64url(claims)}`, id_token: entry.idToken };
    },
  );

  server.service.on(
    "beforeUserinfo",
    (
      response: { body: unknown; statusCode: number },
      req: { headers: Record<string, string>; url: string },
    ) => {
      const token = /^Bearer at\.(.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!token) {
        response.statusCode = 401;
        response.body = { error: "invalid_token" };
        return;
      }
      const {
        profile,
        emails,
        clientAuth: _auth,
        userinfoHeaders,
        ...claims
      } = JSON.parse(Buffer.from(token, "base64url").toString()) as TestUser;
      for (const [name, value] of Object.entries(userinfoHeaders ?? {})) {
        if (req.headers[name.toLowerCase()] !== value) {
          response.statusCode = 400;
          response.body = { error: `missing header ${name}` };
          return;
        }
      }
      if (req.url.split("?")[0]?.endsWith("/emails")) {
        response.statusCode = emails === undefined ? 404 : 200;
        response.body = emails ?? { message: "Not Found" };
        return;
      }
      response.body = profile ?? claims;
    },
  );

  // The provider's own routes, plus avatars for the sign-up tests: an image, an oversize one, a page that
  // claims to be an image, and a missing one.
  const http = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (!path.startsWith("/avatar/")) {
      server.service.requestHandler(req, res);
      return;
    }
    const png = { "content-type": "image/png" };
    if (path === "/avatar/ok.png") res.writeHead(200, png).end(PNG);
    else if (path === "/avatar/big.png")
      res.writeHead(200, png).end(Buffer.concat([PNG, Buffer.alloc(6 << 20)]));
    else if (path === "/avatar/page.png")
      res.writeHead(200, png).end("<html><script>alert(1)</script></html>");
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  server.issuer.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  return { issuer: server.issuer.url, stop };
}

/** A 1x1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const provider = await startOidcProvider();
  project.provide("oidc", { issuer: provider.issuer });
  return provider.stop;
}
