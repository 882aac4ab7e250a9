import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import { api, BASE } from "../../helpers/request";

describe("request id", () => {
  it("mints an id when none is sent", async () => {
    const res = await api("/api/health");
    expect(res.headers.get("x-request-id")).toMatch(/^[a-z0-9]{20}$/);
  });

  it("mints a different id per request", async () => {
    const a = (await api("/api/health")).headers.get("x-request-id");
    const b = (await api("/api/health")).headers.get("x-request-id");
    expect(a).not.toBe(b);
  });

  it("honours a well-formed incoming id", async () => {
    const res = await api("/api/health", { headers: { "x-request-id": "trace-1234.abcd" } });
    expect(res.headers.get("x-request-id")).toBe("trace-1234.abcd");
  });

  it.each([
    ["too short", "abc"],
    ["log injection", 'x"},{"level":"error'],
    ["too long", "a".repeat(200)],
    ["spaces", "hello world 12345"],
  ])("replaces a malformed incoming id (%s)", async (_label, incoming) => {
    const res = await api("/api/health", { headers: { "x-request-id": incoming } });
    const id = res.headers.get("x-request-id");
    expect(id).not.toBe(incoming);
    expect(id).toMatch(/^[a-z0-9]{20}$/);
  });

  it("sets the id on error responses too", async () => {
    const res = await api("/api/missing", { headers: { "x-request-id": "trace-5678.efgh" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("trace-5678.efgh");
  });

  it("logs one JSON line per request with method, path, status, duration and id", async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const app = createEdgebase();
      await app.request(`${BASE}/api/health`, { headers: { "x-request-id": "trace-log-0001" } }, env);
    } finally {
      console.log = original;
    }
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: "info",
      msg: "request",
      method: "GET",
      path: "/api/health",
      status: 200,
      requestId: "trace-log-0001",
    });
    expect(typeof line.durationMs).toBe("number");
  });
});

describe("CORS", () => {
  it("allows any origin by default", async () => {
    const res = await api("/api/health", { headers: { origin: "https://app.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers preflight requests", async () => {
    const res = await api("/api/health", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it("honours a configured origin list", async () => {
    const app = createEdgebase({ logLevel: "off", cors: { origin: ["https://good.example"] } });
    const good = await app.request(
      `${BASE}/api/health`,
      { headers: { origin: "https://good.example" } },
      env,
    );
    const bad = await app.request(`${BASE}/api/health`, { headers: { origin: "https://evil.example" } }, env);
    expect(good.headers.get("access-control-allow-origin")).toBe("https://good.example");
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("can be switched off", async () => {
    const app = createEdgebase({ logLevel: "off", cors: false });
    const res = await app.request(`${BASE}/api/health`, { headers: { origin: "https://app.example" } }, env);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
