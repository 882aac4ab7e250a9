/** An official pocketbase SDK client wired to the Worker's default export, for the compatibility tests. */
import { exports } from "cloudflare:workers";
import PocketBase from "pocketbase";

/** The origin the SDK believes it talks to. */
export const BASE = "http://edgebase.test";

/** An SDK client whose requests go to the Worker's default export, from its own client IP (own rate limits). */
export function sdkClient(): PocketBase {
  const pb = new PocketBase(BASE);
  pb.autoCancellation(false);
  const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
  pb.beforeSend = (url, options) => ({
    url,
    options: {
      ...options,
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const req = new Request(input, init);
        req.headers.set("cf-connecting-ip", ip);
        return exports.default.fetch(req);
      },
    },
  });
  return pb;
}
