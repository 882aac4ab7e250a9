import { describe, expect, it } from "vitest";
import { CACHE_KEY_PREFIX, cacheKey, collectionDataKey, generationKey } from "../../src/cache/keys";
import { MAX_KEY_BYTES } from "../../src/cache/store";

describe("cacheKey", () => {
  it.each([
    [["gen", "posts"], "eb:gen:posts"],
    [["a", 1, 2.5], "eb:a:1:2.5"],
    [["a:b", "c"], "eb:a%3Ab:c"],
    [["a", "b:c"], "eb:a:b%3Ac"],
    [["", ""], "eb::"],
    [["sort=-created&filter=(a='x y')"], "eb:sort%3D-created%26filter%3D(a%3D'x%20y')"],
    [["ümlaut", "#hash"], "eb:%C3%BCmlaut:%23hash"],
    [["\uD800x"], "eb:%ud800x"],
    [["%ud800x"], "eb:%25ud800x"],
  ])("builds %j as %s", async (parts, expected) => {
    expect(await cacheKey(parts)).toBe(expected);
  });

  it("gives distinct part lists distinct keys", async () => {
    const lists = [["a:b"], ["a", "b"], ["a", "b", ""], ["a%3Ab"], ["\uD800"], ["\uFFFD"], ["%ud800"]];
    const keys = await Promise.all(lists.map((parts) => cacheKey(parts)));
    expect(new Set(keys).size).toBe(lists.length);
  });

  it("keeps keys up to 512 bytes verbatim", async () => {
    const part = "x".repeat(MAX_KEY_BYTES - CACHE_KEY_PREFIX.length);
    expect(await cacheKey([part])).toBe(CACHE_KEY_PREFIX + part);
  });

  it("hashes the tail of a longer key: 512 bytes, same head, unique, stable", async () => {
    const base = "q".repeat(600);
    const a = await cacheKey(["data", "posts", `${base}a`]);
    const b = await cacheKey(["data", "posts", `${base}b`]);
    expect(a.length).toBe(MAX_KEY_BYTES);
    expect(new TextEncoder().encode(a).byteLength).toBe(MAX_KEY_BYTES);
    expect(a.startsWith("eb:data:posts:qqq")).toBe(true);
    expect(a).toMatch(/#[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(await cacheKey(["data", "posts", `${base}a`])).toBe(a);
  });

  it("hashes a key made long by encoding (multi-byte parts)", async () => {
    const key = await cacheKey(["ü".repeat(100)]); // 600 encoded characters
    expect(key.length).toBe(MAX_KEY_BYTES);
    expect(key.startsWith("eb:%C3%BC")).toBe(true);
  });

  it.each([[[]], [[Number.NaN]], [[Number.POSITIVE_INFINITY]], [[{} as unknown as string]]])(
    "rejects %j",
    async (parts) => {
      await expect(cacheKey(parts)).rejects.toThrow(TypeError);
    },
  );
});

describe("named keys", () => {
  it("builds generation and collection data keys", async () => {
    expect(await generationKey("posts")).toBe("eb:gen:posts");
    expect(await collectionDataKey("posts", "g1", ["list", "page=1"])).toBe("eb:data:posts:g1:list:page%3D1");
  });
});
