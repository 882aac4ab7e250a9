import { describe, expect, it } from "vitest";
import { api } from "../../helpers/request";

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
});
