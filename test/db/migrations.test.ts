import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const FLAT_MIGRATION = /^\d{4}_[a-z0-9_]+\.sql$/;

describe("migrations/", () => {
  it("holds at least one flat NNNN_name.sql migration", () => {
    const sqlFiles = env.TEST_MIGRATION_ENTRIES.filter((e) => !e.isDirectory && e.name.endsWith(".sql"));
    expect(sqlFiles.length).toBeGreaterThan(0);
    for (const file of sqlFiles) expect(file.name).toMatch(FLAT_MIGRATION);
  });

  it("has no nested migration folders (only drizzle-kit's meta/)", () => {
    const dirs = env.TEST_MIGRATION_ENTRIES.filter((e) => e.isDirectory).map((e) => e.name);
    expect(dirs.filter((d) => d !== "meta")).toEqual([]);
  });

  it("is read whole by readD1Migrations", () => {
    const sqlFiles = env.TEST_MIGRATION_ENTRIES.filter((e) => e.name.endsWith(".sql"));
    expect(env.TEST_MIGRATIONS.map((m) => `${m.name}`)).toEqual(sqlFiles.map((f) => f.name).sort());
  });

  it("creates the system tables in D1", async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('_collections', '_params') ORDER BY name",
    ).all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual(["_collections", "_params"]);
  });

  it("makes collection names unique case-insensitively", async () => {
    await env.DB.prepare("INSERT INTO _collections (id, name) VALUES ('aaaaaaaaaaaaaaa', 'Posts')").run();
    await expect(
      env.DB.prepare("INSERT INTO _collections (id, name) VALUES ('bbbbbbbbbbbbbbb', 'posts')").run(),
    ).rejects.toThrow(/UNIQUE/);
  });
});
