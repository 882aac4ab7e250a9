/** Test harness for hooks: an app built with given hooks, called through app.fetch with a real ExecutionContext. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createEdgebase, type EdgebaseOptions } from "../../src/app";
import type { AuthRecord } from "../../src/rules/context";
import type { Json } from "../records/harness";

/** Header carrying the test caller (read by the app's authenticate option). */
const AUTH_HEADER = "x-test-auth";

/** A test caller: the app trusts the header. */
export type Caller = AuthRecord | null;

/** An app with `options` (hooks…) and a caller header; `call` waits for its waitUntil work (after-hooks). */
export function hookApp(options: EdgebaseOptions) {
  const app = createEdgebase({
    logLevel: "off",
    authenticate: async (c) => {
      const raw = c.req.header(AUTH_HEADER);
      return raw ? (JSON.parse(raw) as AuthRecord) : null;
    },
    ...options,
  });
  async function call(
    auth: Caller,
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: Json; text: string }> {
    const headers: Record<string, string> = { "content-type": "application/json", ...extraHeaders };
    if (auth) headers[AUTH_HEADER] = JSON.stringify(auth);
    const ctx = createExecutionContext();
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await app.fetch(new Request(`http://edgebase.test${path}`, init), env, ctx);
    const text = await res.text();
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: text ? JSON.parse(text) : null, text };
  }
  return { app, call };
}

/** Rows of a table, straight from D1. */
export async function rows(table: string): Promise<Record<string, unknown>[]> {
  return (await env.DB.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all<Record<string, unknown>>())
    .results;
}
