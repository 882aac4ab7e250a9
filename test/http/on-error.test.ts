import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { readJsonObject } from "../../src/http/body";
import { badRequest } from "../../src/lib/errors";
import { api, BASE } from "../helpers/request";

/** An app with extra routes that exercise the error paths, as a team extending Edgebase would add them. */
function appWithProbes(logs: string[] = []) {
  const app = createEdgebase({ logLevel: "off", bodyLimit: 1024 });
  app.post("/probe/json", async (c) => c.json(await readJsonObject(c)));
  app.get("/probe/boom", () => {
    throw new Error("secret: D1_ERROR no such table users at /src/records/list.ts:42");
  });
  app.get("/probe/api-error", () => {
    throw badRequest("Bad thing.", {
      title: { code: "validation_required", message: "Missing required value." },
    });
  });
  return { app, logs };
}

function request(app: ReturnType<typeof createEdgebase>, path: string, init?: RequestInit) {
  return app.request(BASE + path, init, env);
}

describe("error shape", () => {
  it("answers unknown routes with a JSON 404", async () => {
    const res = await api("/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      status: 404,
      message: "The requested resource wasn't found.",
      data: {},
    });
  });

  it("answers a known path with a wrong method with 405 and Allow", async () => {
    const res = await api("/api/health", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(await res.json()).toEqual({ status: 405, message: "Method not allowed.", data: {} });
  });

  it("answers a body over the limit with 413 (declared length)", async () => {
    const { app } = appWithProbes();
    const res = await request(app, "/probe/json", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ blob: "x".repeat(2000) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { status: number; message: string };
    expect(body.status).toBe(413);
    expect(body.message).toContain("too large");
  });

  it("answers a streamed body over the limit with 413", async () => {
    const { app } = appWithProbes();
    const chunk = new TextEncoder().encode("x".repeat(600));
    const stream = new ReadableStream({
      start(ctrl) {
        ctrl.enqueue(chunk);
        ctrl.enqueue(chunk);
        ctrl.close();
      },
    });
    const res = await request(app, "/probe/json", {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("rejects the default 10 MB limit through the Worker", async () => {
    const res = await api("/api/health", {
      method: "POST",
      headers: { "content-length": String(11 * 1024 * 1024) },
      body: "x".repeat(11 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
  });

  it("answers malformed JSON with 400", async () => {
    const { app } = appWithProbes();
    const res = await request(app, "/probe/json", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"title": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 400,
      message: "Failed to load the submitted data due to invalid formatting.",
      data: {},
    });
  });

  it("answers a JSON body that is not an object with 400", async () => {
    const { app } = appWithProbes();
    const res = await request(app, "/probe/json", { method: "POST", body: "[1,2]" });
    expect(res.status).toBe(400);
  });

  it("passes an ApiError's status, message and data through", async () => {
    const { app } = appWithProbes();
    const res = await request(app, "/probe/api-error");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 400,
      message: "Bad thing.",
      data: { title: { code: "validation_required", message: "Missing required value." } },
    });
  });

  it("turns an unknown error into a generic 500 without internals, and logs it with the request id", async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const app = createEdgebase({ bodyLimit: 1024 });
      app.get("/probe/boom", () => {
        throw new Error("secret: D1_ERROR no such table users");
      });
      const res = await request(app, "/probe/boom", { headers: { "x-request-id": "req-test-0001" } });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain("secret");
      expect(text).not.toContain("D1_ERROR");
      expect(JSON.parse(text)).toEqual({
        status: 500,
        message: "Something went wrong while processing your request.",
        data: {},
      });
      expect(res.headers.get("x-request-id")).toBe("req-test-0001");
    } finally {
      console.log = original;
    }
    const errorLine = lines.map((l) => JSON.parse(l)).find((l) => l.level === "error");
    expect(errorLine).toMatchObject({
      requestId: "req-test-0001",
      error: "secret: D1_ERROR no such table users",
    });
  });
});
