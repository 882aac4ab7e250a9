/** Test harness for records scenarios: an app whose caller is chosen per request, and collection setup helpers. */
import { env } from "cloudflare:workers";
import { createEdgebase } from "../../src/app";
import type { ChangeEvent } from "../../src/records/events";
import type { AuthRecord } from "../../src/rules/context";

/** Response bodies in tests: parsed JSON whose shape each assertion checks. */
// biome-ignore lint/suspicious/noExplicitAny: assertions check the shape; typing every body would only add casts.
export type Json = any;

/** Header carrying the test caller (the app's authenticate hook reads it; the default Worker ignores it). */
const AUTH_HEADER = "x-test-auth";

/** Change events the test app emitted, in order. */
export const emitted: ChangeEvent[] = [];

/** The app under test: the real createEdgebase with a test authenticate hook and a recording change sink. */
export const app = createEdgebase({
  logLevel: "off",
  authenticate: async (c) => {
    const raw = c.req.header(AUTH_HEADER);
    return raw ? (JSON.parse(raw) as AuthRecord) : null;
  },
  changes: {
    emit: async (events) => {
      emitted.push(...events);
    },
  },
});

/** A superuser caller. */
export const SUPERUSER: AuthRecord = {
  id: "su0000000000001",
  collectionId: "pbc_3142635823",
  collectionName: "_superusers",
};

/** A caller signed in as `users` record `id` with the given fields. */
export function userAuth(id: string, fields: Record<string, unknown> = {}): AuthRecord {
  return { id, collectionId: "_pb_users_auth_", collectionName: "users", ...fields };
}

/** Sends a request as `auth` (null = guest) through the app. */
export function request(
  auth: AuthRecord | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  if (auth) h[AUTH_HEADER] = JSON.stringify(auth);
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (typeof body === "string") {
    payload = body;
    h["content-type"] ??= "application/json";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    h["content-type"] = "application/json";
  }
  return Promise.resolve(
    app.request(`http://edgebase.test${path}`, { method, headers: h, body: payload }, env),
  );
}

/** Sends a request and parses the JSON body (null for empty bodies). */
export async function call(
  auth: AuthRecord | null,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await request(auth, method, path, body, headers);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Creates a collection as superuser and returns its definition (throws with the error body on failure). */
export async function createCollection(
  definition: Record<string, unknown>,
): Promise<{ id: string; name: string }> {
  const res = await call(SUPERUSER, "POST", "/api/collections", definition);
  if (res.status !== 200) throw new Error(`createCollection ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates a record as superuser and returns it. */
export async function seed(collection: string, data: Record<string, unknown>): Promise<Json> {
  const res = await call(SUPERUSER, "POST", `/api/collections/${collection}/records`, data);
  if (res.status !== 200) throw new Error(`seed ${collection} ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
