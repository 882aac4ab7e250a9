/** The behaviour every CacheStore adapter must share; each adapter's test file runs it with its factory. */
import { describe, expect, it } from "vitest";
import { cacheKey } from "../../src/cache/keys";
import { type CacheStore, type CacheValue, MAX_KEY_BYTES } from "../../src/cache/store";

const TTL = { ttlSeconds: 300 };
let counter = 0;

/** A key no other test of the file uses (storage is shared within a test file). */
function freshKey(label: string): string {
  counter += 1;
  return `eb:contract:${label}:${counter}`;
}

/** Runs the CacheStore contract against stores made by `makeStore`. */
export function storeContract(name: string, makeStore: () => CacheStore): void {
  describe(`${name} (CacheStore contract)`, () => {
    it("reads an absent key as null", async () => {
      expect(await makeStore().get(freshKey("absent"))).toBeNull();
    });

    it.each<[string, CacheValue]>([
      ["a string", "hello, wörld ✓"],
      ["an empty string", ""],
      ["a string that looks like JSON", '{"a":1}'],
      ["zero", 0],
      ["a float", -12.5],
      ["false", false],
      ["true", true],
      ["an empty array", []],
      ["an array", [1, "two", { three: [3] }, null]],
      ["an object", { items: [{ id: "a1", n: 1 }], page: 1, nested: { deep: { null: null } } }],
    ])("round-trips %s", async (_label, value) => {
      const store = makeStore();
      const key = freshKey("value");
      await store.set(key, value, TTL);
      expect(await store.get(key)).toEqual(value);
    });

    it("replaces a value on set and removes it on delete", async () => {
      const store = makeStore();
      const key = freshKey("replace");
      await store.set(key, { v: 1 }, TTL);
      await store.set(key, { v: 2 }, TTL);
      expect(await store.get(key)).toEqual({ v: 2 });
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
    });

    it("keeps keys apart (case, whitespace, prefixes)", async () => {
      const store = makeStore();
      const base = freshKey("apart");
      const keys = [base, base.toUpperCase(), `${base} `, `${base}:x`];
      for (const [i, key] of keys.entries()) await store.set(key, i, TTL);
      for (const [i, key] of keys.entries()) expect(await store.get(key)).toBe(i);
    });

    it("stores a copy: mutating what was written or read leaves the cache unchanged", async () => {
      const store = makeStore();
      const key = freshKey("copy");
      const written = { list: [1] };
      await store.set(key, written, TTL);
      written.list.push(2);
      const read = await store.get<{ list: number[] }>(key);
      read!.list.push(3);
      expect(await store.get(key)).toEqual({ list: [1] });
    });

    it.each<[string, unknown]>([
      ["null", null],
      ["undefined", undefined],
      ["a function", () => 1],
    ])("rejects %s as a value and stores nothing", async (_label, value) => {
      const store = makeStore();
      const key = freshKey("bad-value");
      await expect(store.set(key, value as CacheValue, TTL)).rejects.toThrow(TypeError);
      expect(await store.get(key)).toBeNull();
    });

    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("rejects a TTL of %s", async (ttlSeconds) => {
      const store = makeStore();
      const key = freshKey("bad-ttl");
      await expect(store.set(key, "x", { ttlSeconds })).rejects.toThrow(TypeError);
      expect(await store.get(key)).toBeNull();
    });

    it("accepts a fractional TTL", async () => {
      const store = makeStore();
      const key = freshKey("fraction");
      await store.set(key, "x", { ttlSeconds: 90.5 });
      expect(await store.get(key)).toBe("x");
    });

    it("accepts keys up to 512 UTF-8 bytes and rejects longer or empty ones", async () => {
      const store = makeStore();
      const ascii = freshKey("len").padEnd(MAX_KEY_BYTES, "k");
      await store.set(ascii, "ascii", TTL);
      expect(await store.get(ascii)).toBe("ascii");
      const twoByte = `${freshKey("é")}:`.padEnd(MAX_KEY_BYTES / 2, "é");
      await store.set(twoByte, "two-byte", TTL);
      expect(await store.get(twoByte)).toBe("two-byte");

      const tooLong = `${ascii}k`;
      const tooLongUtf8 = `eb:${"€".repeat(170)}`; // 3 + 510 bytes, only 173 characters
      for (const key of [tooLong, tooLongUtf8, ""]) {
        await expect(store.set(key, "x", TTL)).rejects.toThrow(TypeError);
        await expect(store.get(key)).rejects.toThrow(TypeError);
        await expect(store.delete(key)).rejects.toThrow(TypeError);
      }
    });

    it("stores under keys built by cacheKey, hashed ones included", async () => {
      const store = makeStore();
      const short = await cacheKey(["contract", freshKey("built"), "a:b/c?d"]);
      const long = await cacheKey(["contract", freshKey("built"), "q".repeat(2000)]);
      await store.set(short, "short", TTL);
      await store.set(long, "long", TTL);
      expect(await store.get(short)).toBe("short");
      expect(await store.get(long)).toBe("long");
    });
  });
}
