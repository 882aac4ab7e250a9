import { describe, expect, it } from "vitest";
import { LruMap } from "../../src/lib/lru-map";

describe("LruMap", () => {
  it("drops the least recently used entry beyond its cap", () => {
    const map = new LruMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1);
    map.set("c", 3);
    expect(map.get("b")).toBeUndefined();
    expect(map.keys()).toEqual(["a", "c"]);
    expect(map.size).toBe(2);
  });

  it("overwrites, deletes and allows deleting while iterating keys", () => {
    const map = new LruMap<string, number>(3);
    map.set("a", 1);
    map.set("a", 2);
    map.set("b", 3);
    expect(map.get("a")).toBe(2);
    for (const key of map.keys()) map.delete(key);
    expect(map.size).toBe(0);
  });

  it("refuses a cap below one", () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
