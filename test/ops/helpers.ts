/** Helpers for the operations tests: a signed-in superuser and a user, and JSON requests with a token. */
import { api, apiJson } from "../helpers/request";
import { authed, createSuperuser, type Json, signIn, signUp } from "../http/routes/auth-helpers";

let counter = 0;

/** A fresh superuser's token. */
export async function superuserToken(): Promise<string> {
  counter += 1;
  const email = `ops-admin-${counter}-${Date.now()}@example.com`;
  await createSuperuser(email);
  return (await signIn(email, "_superusers")).token;
}

/** A fresh regular user's token. */
export async function userToken(): Promise<string> {
  counter += 1;
  const email = `ops-user-${counter}-${Date.now()}@example.com`;
  await signUp(email);
  return (await signIn(email)).token;
}

/** A JSON request with `Authorization: token` (no token: a guest). */
export function call(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  if (token === null) return method === "GET" ? api(path) : apiJson(method, path, body ?? {});
  return authed(token, path, {
    method,
    ...(body === undefined || method === "GET"
      ? {}
      : {
          headers: { "content-type": "application/json" },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
  });
}

export type { Json };
