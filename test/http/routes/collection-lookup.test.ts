import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import { MISS_RELOAD_INTERVAL_MS } from "../../../src/collections/store";
import { createCollection } from "../../records/harness";

let now = 1_000_000;
let reloads = 0;
const app = createEdgebase({
  logLevel: "off",
  collectionStore: { clock: () => now, onMissReload: () => reloads++ },
});

function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  return Promise.resolve(app.request(`http://edgebase.test${path}`, init, env));
}

/** One request per route family that looks a collection up by a client-chosen name. */
const probes = (name: string) => [
  send("GET", `/api/collections/${name}/records`),
  send("GET", `/api/collections/${name}/records/abcdefghijklmno`),
  send("POST", `/api/collections/${name}/auth-with-password`, { identity: "a@b.co", password: "x" }),
  send("GET", `/api/collections/${name}/auth-methods`),
  send("POST", "/api/realtime", { clientId: "x".repeat(40), subscriptions: [`${name}/*`] }),
  send("GET", `/api/realtime/ws?collection=${name}`, undefined, { upgrade: "websocket" }),
];

describe("the one cached collection lookup", () => {
  it("unknown names cost at most one schema reload per throttle window, whatever the route", async () => {
    await send("GET", "/api/health");
    reloads = 0;
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => probes(`nope${i}`)).flat());
    for (const res of responses) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(reloads).toBe(1);
    for (let i = 0; i < 3; i++) await Promise.all(probes(`again${i}`));
    expect(reloads).toBe(1);

    now += MISS_RELOAD_INTERVAL_MS;
    const later = await Promise.all(probes("nope-later"));
    expect(later.map((r) => r.status).every((s) => s >= 400 && s < 500)).toBe(true);
    expect(reloads).toBe(2);
  });

  it("a collection another isolate just created is found at once (one reload)", async () => {
    now += MISS_RELOAD_INTERVAL_MS;
    // The harness app has its own store: for this app it is another isolate.
    await createCollection({ name: "fresh_elsewhere", type: "base", listRule: "", fields: [] });
    const before = reloads;
    const res = await send("GET", "/api/collections/fresh_elsewhere/records");
    expect(res.status).toBe(200);
    expect(reloads).toBe(before + 1);
    expect((await send("GET", "/api/collections/fresh_elsewhere/records")).status).toBe(200);
    expect(reloads).toBe(before + 1);
  });
});
