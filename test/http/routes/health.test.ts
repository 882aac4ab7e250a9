import { describe, expect, it } from "vitest";
import { api } from "../../helpers/request";
import { call, superuserToken, userToken } from "../../ops/helpers";

describe("GET /api/health", () => {
  it("answers in PocketBase's shape", async () => {
    const res = await api("/api/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ code: 200, message: "API is healthy.", data: {} });
  });

  it("answers HEAD without a body", async () => {
    const res = await api("/api/health", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("adds PocketBase's data fields for superusers only", async () => {
    const user = await call("GET", "/api/health", await userToken());
    expect(((await user.json()) as { data: unknown }).data).toEqual({});

    const res = await call("GET", "/api/health", await superuserToken());
    expect(res.status).toBe(200);
    // The test client sends no proxy headers and no cf-connecting-ip.
    expect(((await res.json()) as { data: unknown }).data).toEqual({
      canBackup: true,
      realIP: "",
      possibleProxyHeader: "",
    });
  });

  it("reports the client IP and the proxy header a superuser's request came through", async () => {
    const token = await superuserToken();
    const res = await api("/api/health", {
      headers: { authorization: token, "cf-connecting-ip": "203.0.113.7", "x-forwarded-for": "198.51.100.1" },
    });
    expect(((await res.json()) as { data: unknown }).data).toEqual({
      canBackup: true,
      realIP: "203.0.113.7",
      possibleProxyHeader: "CF-Connecting-IP",
    });
  });
});
