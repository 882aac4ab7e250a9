import { describe, expect, it } from "vitest";
import { CollectionGenerations, INITIAL_GENERATION, MemoryCacheStore } from "../../../src/cache";
import {
  bumpCollections,
  type CacheableRead,
  DEFAULT_READ_CACHE_TTL_SECONDS,
  generationSink,
  isCacheableRead,
  readCacheKey,
  readCacheTtl,
  schemaGenerationSink,
} from "../../../src/cache/read-cache";
import { blankCollection, type Collection } from "../../../src/collections/collection";
import type { ChangeEvent } from "../../../src/records/events";
import { parseListParams, parseViewParams } from "../../../src/records/query-params";

function collection(rules: { listRule?: string | null; viewRule?: string | null } = {}): Collection {
  return { ...blankCollection("pbc_notes", "notes"), listRule: "", viewRule: "", ...rules };
}

const GUEST = { guest: true, authorization: false };
const list = (query: Record<string, string> = {}): CacheableRead => ({
  kind: "list",
  params: parseListParams(query),
});
const view = (id: string, query: Record<string, string> = {}): CacheableRead => ({
  kind: "view",
  id,
  params: parseViewParams(query),
});

describe("readCacheTtl", () => {
  const notes = collection();
  it("defaults to 60 s, takes the global bound, and a per-collection bound by name or id", () => {
    expect(readCacheTtl({}, notes)).toBe(DEFAULT_READ_CACHE_TTL_SECONDS);
    expect(DEFAULT_READ_CACHE_TTL_SECONDS).toBeLessThanOrEqual(60);
    expect(readCacheTtl({ ttlSeconds: 10 }, notes)).toBe(10);
    expect(readCacheTtl({ ttlSeconds: 10, collections: { notes: { ttlSeconds: 3 } } }, notes)).toBe(3);
    expect(readCacheTtl({ collections: { pbc_notes: { ttlSeconds: 4 } } }, notes)).toBe(4);
    expect(readCacheTtl({ ttlSeconds: 7, collections: { notes: {} } }, notes)).toBe(7);
  });

  it("is null for an opted-out collection and rejects a non-positive bound", () => {
    expect(readCacheTtl({ collections: { notes: false } }, notes)).toBeNull();
    expect(readCacheTtl({ collections: { other: false } }, notes)).toBe(60);
    expect(() => readCacheTtl({ ttlSeconds: 0 }, notes)).toThrow(TypeError);
    expect(() => readCacheTtl({ collections: { notes: { ttlSeconds: Number.NaN } } }, notes)).toThrow(
      TypeError,
    );
  });
});

describe("isCacheableRead", () => {
  it("caches guest reads of exactly public rules only", () => {
    expect(isCacheableRead(collection(), list(), GUEST)).toBe(true);
    expect(isCacheableRead(collection(), view("a"), GUEST)).toBe(true);
    expect(isCacheableRead(collection({ listRule: null }), list(), GUEST)).toBe(false);
    expect(isCacheableRead(collection({ listRule: "published = true" }), list(), GUEST)).toBe(false);
    expect(isCacheableRead(collection({ viewRule: '@request.auth.id != ""' }), view("a"), GUEST)).toBe(false);
    // Each read checks its own rule.
    expect(isCacheableRead(collection({ viewRule: null }), list(), GUEST)).toBe(true);
    expect(isCacheableRead(collection({ listRule: null }), view("a"), GUEST)).toBe(true);
  });

  it("never caches view collections (their rows come from other collections)", () => {
    const sqlView = {
      ...blankCollection("pbc_v", "v"),
      type: "view",
      listRule: "",
      viewRule: "",
    } as Collection;
    expect(isCacheableRead(sqlView, list(), GUEST)).toBe(false);
  });

  it("never caches a signed-in caller or a request with an Authorization header", () => {
    expect(isCacheableRead(collection(), list(), { guest: false, authorization: false })).toBe(false);
    expect(isCacheableRead(collection(), view("a"), { guest: true, authorization: true })).toBe(false);
  });

  it("does not cache reads that depend on other collections or the request", () => {
    expect(isCacheableRead(collection(), list({ expand: "author" }), GUEST)).toBe(false);
    expect(isCacheableRead(collection(), view("a", { expand: "author" }), GUEST)).toBe(false);
    expect(isCacheableRead(collection(), list({ filter: "author.name = 'x'" }), GUEST)).toBe(false);
    expect(isCacheableRead(collection(), list({ filter: "comments_via_post.id != ''" }), GUEST)).toBe(false);
    expect(isCacheableRead(collection(), list({ filter: "@collection.users.id != ''" }), GUEST)).toBe(false);
    expect(isCacheableRead(collection(), list({ filter: "created > @now" }), GUEST)).toBe(false);
    expect(isCacheableRead(collection(), list({ sort: "author.name" }), GUEST)).toBe(false);
    expect(isCacheableRead(collection(), list({ sort: "@random" }), GUEST)).toBe(false);
    expect(
      isCacheableRead(collection(), list({ filter: "title = 'x'", sort: "-created,@rowid" }), GUEST),
    ).toBe(true);
  });
});

describe("readCacheKey", () => {
  const notes = collection();
  it("is the same for equivalent queries and differs by generation, kind, id and response-affecting params", async () => {
    const base = await readCacheKey(notes, "g1", list());
    expect(await readCacheKey(notes, "g1", list({ page: "1", perPage: "30", unrelated: "x" }))).toBe(base);
    expect(await readCacheKey(notes, "g2", list())).not.toBe(base);
    expect(await readCacheKey(notes, "g1", list({ page: "2" }))).not.toBe(base);
    expect(await readCacheKey(notes, "g1", list({ filter: "title = 'a'" }))).not.toBe(base);
    expect(await readCacheKey(notes, "g1", list({ fields: "id" }))).not.toBe(base);
    expect(await readCacheKey(notes, "g1", list({ skipTotal: "true" }))).not.toBe(base);
    expect(await readCacheKey(notes, "g1", view("a"))).not.toBe(await readCacheKey(notes, "g1", view("b")));
    expect(await readCacheKey(notes, "g1", view("a"))).not.toBe(base);
    expect(base.startsWith("eb:data:pbc_notes:g1:")).toBe(true);
  });
});

describe("generationSink", () => {
  const event = (c: Collection): ChangeEvent => ({ action: "delete", collection: c, record: { id: "r" } });

  it("bumps every collection a change touched, once each, visible at once", async () => {
    const generations = new CollectionGenerations(new MemoryCacheStore());
    const notes = collection();
    const other = { ...blankCollection("pbc_other", "other") };
    expect(await generations.current(notes.id)).toBe(INITIAL_GENERATION);
    const done = generationSink(() => generations).emit([event(notes), event(notes), event(other)]);
    // The bump happened synchronously, before the store write finished.
    const bumped = await generations.current(notes.id);
    expect(bumped).not.toBe(INITIAL_GENERATION);
    expect(await generations.current(other.id)).not.toBe(INITIAL_GENERATION);
    await done;
    expect(await generations.current(notes.id)).toBe(bumped);
  });

  it("does nothing without generations", async () => {
    await expect(generationSink(() => undefined).emit([event(collection())])).resolves.toBeUndefined();
    await expect(bumpCollections(undefined, ["a"])).resolves.toBeUndefined();
  });
});

describe("schemaGenerationSink", () => {
  it("bumps every collection a schema change named, and nothing else", async () => {
    const generations = new CollectionGenerations(new MemoryCacheStore());
    await schemaGenerationSink(() => generations).emit({ kind: "schema", collectionIds: ["a", "b", "a"] });
    expect(await generations.current("a")).not.toBe(INITIAL_GENERATION);
    expect(await generations.current("b")).not.toBe(INITIAL_GENERATION);
    expect(await generations.current("c")).toBe(INITIAL_GENERATION);
  });
});
