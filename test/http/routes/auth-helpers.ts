/** Helpers for auth tests through the Worker: sign up, sign in, authorized requests, a distinct IP per caller. */
import { env } from "cloudflare:workers";
import { api, apiJson } from "../../helpers/request";

// biome-ignore lint/suspicious/noExplicitAny: assertions check the shape of response bodies.
export type Json = any;

/** The password every test user gets. */
export const PASSWORD = "correct horse battery";

let ipCounter = 0;
/** A fresh client IP, so per-IP throttling of one test does not leak into the next. */
export function freshIp(): string {
  ipCounter += 1;
  return `203.0.113.${ipCounter % 250}`.concat(`.${Math.floor(ipCounter / 250)}`);
}

/** Creates a `users` record (guest sign-up) and returns its id. */
export async function signUp(email: string, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await apiJson("POST", "/api/collections/users/records", {
    email,
    password: PASSWORD,
    passwordConfirm: PASSWORD,
    ...fields,
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`sign-up ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Creates a superuser directly in D1 (the bootstrap path is tested separately). */
export async function createSuperuser(email: string): Promise<void> {
  const { hashPassword } = await import("../../../src/auth/password");
  const hash = await hashPassword(PASSWORD);
  const now = "2026-01-01 00:00:00.000Z";
  await env.DB.prepare(
    "INSERT INTO _superusers (id, email, password, tokenKey, verified, created, updated) VALUES (?, ?, ?, ?, 1, ?, ?)",
  )
    .bind(
      `su${crypto.randomUUID().replaceAll("-", "").slice(0, 13)}`,
      email,
      hash,
      crypto.randomUUID(),
      now,
      now,
    )
    .run();
}

/** Signs in with a password and returns the parsed body (throws on failure). */
export async function signIn(
  email: string,
  collection = "users",
  password = PASSWORD,
): Promise<{ token: string; refreshToken: string; record: Json }> {
  const res = await apiJson(
    "POST",
    `/api/collections/${collection}/auth-with-password`,
    { identity: email, password },
    { "cf-connecting-ip": freshIp() },
  );
  if (res.status !== 200) throw new Error(`sign-in ${res.status}: ${await res.text()}`);
  return (await res.json()) as Json;
}

/** A request with `Authorization: <token>` (PocketBase SDK style). */
export function authed(token: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", token);
  return api(path, { ...init, headers });
}

/** Retries `check` a bounded number of times: change sinks run just after the response (waitUntil). */
export async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}
