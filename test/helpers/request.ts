/** Helpers for end-to-end requests through the Worker entry and for building apps with custom options. */
import { exports } from "cloudflare:workers";

/** Base URL used for requests into the Worker (the host is irrelevant inside workerd). */
export const BASE = "http://edgebase.test";

/** Sends a request to the Worker's default export, as a real client would. */
export function api(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(BASE + path, init));
}

/** Sends a JSON body with the given method. */
export function apiJson(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return api(path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
