import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors";
import { decodeCursor, encodeCursor } from "../../src/records/cursor";

describe("cursor", () => {
  it("round-trips a position, unicode included", () => {
    const position = {
      sort: "-created,id",
      values: ["2026-01-01 00:00:00.000Z", 42, null, "žluť 🐎"],
      id: "abc",
    };
    const token = encodeCursor(position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(token, "-created,id")).toEqual(position);
  });

  it.each([
    ["another sort", encodeCursor({ sort: "title", values: [], id: "a" })],
    ["garbage", "!!!"],
    ["not JSON", btoa("hello")],
    ["wrong shape", btoa(JSON.stringify({ a: 1 }))],
    ["non-scalar values", btoa(JSON.stringify(["-created,id", [{ x: 1 }], "a"]))],
    ["numeric id", btoa(JSON.stringify(["-created,id", [], 5]))],
  ])("refuses %s with a 400 on cursor", (_label, token) => {
    try {
      decodeCursor(token, "-created,id");
      throw new Error("expected a 400");
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      expect((err as ApiError).data).toHaveProperty("cursor");
    }
  });
});
