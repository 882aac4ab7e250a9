/** Shared fixtures of the files tests: SDK clients through the test app, byte fixtures, bucket listing. */
import { env } from "cloudflare:workers";
import PocketBase from "pocketbase";
import type { AuthRecord } from "../../../src/rules/context";
import { app, type Json, seed } from "../../records/harness";

export const BASE = "http://edgebase.test";

/** The official SDK acting as `auth` (null: guest) through the test app, request bodies passed as they are. */
export function sdkAs(auth: AuthRecord | null): PocketBase {
  const pb = new PocketBase(BASE);
  pb.autoCancellation(false);
  pb.beforeSend = (url, options) => ({
    url,
    options: {
      ...options,
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const req = new Request(input, init);
        if (auth) req.headers.set("x-test-auth", JSON.stringify(auth));
        return app.request(req, undefined, env);
      },
    },
  });
  return pb;
}

/** A fetch of an absolute URL through the test app (what a browser does with `pb.files.getURL`). */
export function fetchUrl(url: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(app.request(new Request(url, init), undefined, env));
}

/** A minimal valid 1×1 PNG. */
export const PNG_1X1 = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

/** Bytes of a text file. */
export const text = (s: string) => new TextEncoder().encode(s);

/** Every object key under `prefix` in the FILES bucket. */
export async function keysUnder(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix, cursor });
    out.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

/** Two users, alice and bob (`<prefix>a@example.com`, `<prefix>b@example.com`), with passwords `password-a`/`-b`. */
export async function seedAliceAndBob(prefix: string): Promise<[Json, Json]> {
  const user = (who: "a" | "b") =>
    seed("users", {
      email: `${prefix}${who}@example.com`,
      password: `password-${who}`,
      passwordConfirm: `password-${who}`,
    });
  return [await user("a"), await user("b")];
}
