/** `edgebase typegen` from a schema file with no server: stable output that tsc accepts, and rejects misuse. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.node";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURE = join(import.meta.dirname, "fixtures", "edgebase.schema.json");
/** No server listens here: typegen from a file must not need one. */
const NO_SERVER = { EDGEBASE_URL: "http://127.0.0.1:9", EDGEBASE_TOKEN: "unused" };

let dir: string;

/** Type-checks `program` next to the generated types with the project's tsc; returns its exit code and output. */
function compile(program: string): { code: number | null; output: string } {
  writeFileSync(join(dir, "program.ts"), program);
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir],
    {
      encoding: "utf8",
    },
  );
  return { code: run.status, output: run.stdout + run.stderr };
}

const PROGRAM = `
import PocketBase from "pocketbase";
import { type OaPostsCreate, type OaPostsRecord, type OaPostsUpdate, oaPostsCreateSchema, type TypedPocketBase } from "./types";

const pb = new PocketBase("http://127.0.0.1:8787") as unknown as TypedPocketBase;

export async function main(): Promise<void> {
  const post: OaPostsRecord = await pb.collection("oa_posts").getOne("abc", { expand: "author" });
  const title: string = post.title;
  const status: "" | "draft" | "live" = post.status;
  const tags: Array<"a" | "b" | "c"> = post.tags;
  const author: string = post.author;
  const related: string[] = post.related;
  const where: { lon: number; lat: number } = post.location;
  const authorName: string | undefined = post.expand?.author?.name;
  const page = await pb.collection("oa_titles").getList(1, 20);
  const firstTitle: unknown = page.items[0]?.title; // a view column of unknown type is json
  const input: OaPostsCreate = { title: "New", status: "draft", tags: ["a"], author: "abc" };
  const change: OaPostsUpdate = { "views+": 1, "+tags": "b", "related-": ["x"] };
  oaPostsCreateSchema.parse(input);
  const users = await pb.collection("oa_authors").getFullList();
  const email: string | undefined = users[0]?.email;
  console.log(title, status, tags, author, related, where, authorName, firstTitle, change, email);
}
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgebase-typegen-"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        lib: ["ES2023", "DOM"],
      },
      include: ["types.ts", "program.ts"],
    }),
  );
  const run = runCli(["typegen", "--schema", FIXTURE, "--out", join(dir, "types.ts")], dir, NO_SERVER);
  expect(run.code, run.stderr).toBe(0);
});

describe("typegen", () => {
  it("is stable: the same schema in any order gives byte-equal output", () => {
    const first = readFileSync(join(dir, "types.ts"), "utf8");
    const shuffled = JSON.parse(readFileSync(FIXTURE, "utf8")).reverse();
    writeFileSync(join(dir, "shuffled.json"), JSON.stringify(shuffled));
    const again = runCli(["typegen", "--schema", "shuffled.json", "--out", "-"], dir, NO_SERVER);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.replace("shuffled.json", FIXTURE)).toBe(first);
  });

  it("writes records, inputs, select unions, relation ids, expand, zod and a TypedPocketBase", () => {
    const text = readFileSync(join(dir, "types.ts"), "utf8");
    expect(text).toContain('status: "" | "draft" | "live";');
    expect(text).toContain('tags: Array<"a" | "b" | "c">;');
    expect(text).toContain("author: RecordId;");
    expect(text).toContain("related: RecordId[];");
    expect(text).toContain("author?: OaAuthorsRecord;");
    expect(text).toContain("internal?: string;");
    expect(text).toMatch(/export interface OaAuthorsRecord \{[^}]*email\?: string;/);
    expect(text).not.toMatch(/export interface OaAuthorsRecord \{[^}]*(password|tokenKey)/);
    expect(text).not.toMatch(/export interface OaPostsCreate \{[^}]*\bcreated\b/);
    expect(text).toMatch(
      /export interface OaAuthorsCreate \{[^}]*password: string;[^}]*passwordConfirm: string;/,
    );
    expect(text).toContain("export const oaPostsCreateSchema = z.object({");
    expect(text).toContain("export type TypedPocketBase");
  });

  it("a program using the types compiles with tsc", () => {
    const result = compile(PROGRAM);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("a wrong field name, select value or collection's field fails to compile", () => {
    const cases: [string, string, string][] = [
      ["post.title;", "post.titel;", "titel"],
      ['status: "draft"', 'status: "drafted"', "drafted"],
      ['{ "views+": 1,', '{ "view+": 1,', "view+"],
      ["users[0]?.email", "users[0]?.title", "title"],
    ];
    for (const [from, to, name] of cases) {
      const broken = PROGRAM.replace(from, to);
      expect(broken, name).not.toBe(PROGRAM);
      const result = compile(broken);
      expect(result.code, name).not.toBe(0);
      expect(result.output, name).toContain(name);
    }
  });

  it("the zod schemas refuse what the server refuses", async () => {
    const types = await import(join(dir, "types.ts"));
    const create = types.oaPostsCreateSchema;
    expect(create.safeParse({ title: "Hi", status: "live", tags: ["a"], views: 2 }).success).toBe(true);
    expect(create.safeParse({ title: "" }).success).toBe(false);
    expect(create.safeParse({}).success).toBe(false);
    expect(create.safeParse({ title: "Hi", status: "nope" }).success).toBe(false);
    expect(create.safeParse({ title: "Hi", views: 1.5 }).success).toBe(false);
    expect(create.safeParse({ title: "Hi", views: -1 }).success).toBe(false);
    expect(create.safeParse({ title: "x".repeat(201) }).success).toBe(false);
    expect(create.safeParse({ title: "Hi", contact: "not an email" }).success).toBe(false);
    expect(create.safeParse({ title: "Hi", tags: ["a", "b", "c", "a"] }).success).toBe(false);
    expect(types.oaPostsUpdateSchema.safeParse({}).success).toBe(true);
  });
});
