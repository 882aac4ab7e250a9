/** `edgebase schema pull|diff|push` against a real local server: round trip, data-loss refusal, bad input. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, fetchServer, startDevServer, superuserToken } from "../helpers/dev-server.node";
import { FIXTURE_COLLECTIONS, FIXTURE_VIEW } from "../openapi/fixtures";
import { runCli } from "./run-cli.node";

const ROOT = join(import.meta.dirname, "..", "..");

// biome-ignore lint/suspicious/noExplicitAny: schema files are edited as plain JSON.
type Json = any;

let server: DevServer;
let token: string;
let cwd: string;
let env: Record<string, string>;

async function api(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetchServer(server.url + path, {
    method,
    headers: { authorization: token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

const schemaFile = () => join(cwd, "edgebase.schema.json");
const readSchema = (): Json[] => JSON.parse(readFileSync(schemaFile(), "utf8"));
const writeSchema = (collections: Json[]) =>
  writeFileSync(schemaFile(), JSON.stringify(collections, null, 2));
const find = (collections: Json[], name: string) => collections.find((c) => c.name === name);

beforeAll(async () => {
  server = await startDevServer();
  token = await superuserToken(server);
  await api("PUT", "/api/collections/import", { collections: FIXTURE_COLLECTIONS });
  await api("POST", "/api/collections", FIXTURE_VIEW);
  cwd = mkdtempSync(join(tmpdir(), "edgebase-cli-"));
  // A token, not the password: sign-ins are rate limited per account (10 in 5 minutes), commands are many.
  env = { EDGEBASE_URL: server.url, EDGEBASE_TOKEN: token };
});

afterAll(async () => {
  await server?.stop();
});

describe("schema pull", () => {
  it("writes every collection sorted by name, stable across pulls, without timestamps or secrets", async () => {
    const first = runCli(["schema", "pull"], cwd, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("Wrote");
    const text = readFileSync(schemaFile(), "utf8");
    const names = readSchema().map((c) => c.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(["oa_posts", "oa_authors", "oa_titles", "_superusers", "users"]),
    );
    expect(text).not.toMatch(/"(tokenSecret|created|updated)":\s*"/);
    expect(runCli(["schema", "pull"], cwd, env).code).toBe(0);
    expect(readFileSync(schemaFile(), "utf8")).toBe(text);
    // The typegen tests read this file with no server: it must stay what a pull writes.
    await expect(text).toMatchFileSnapshot("./fixtures/edgebase.schema.json");
  });
});

describe("schema diff and push", () => {
  it("round trip: edit the file, diff shows each change, push applies it atomically, data is kept", async () => {
    expect(runCli(["schema", "pull"], cwd, env).code).toBe(0);
    const post = await api("POST", "/api/collections/oa_posts/records", {
      title: "Kept",
      body: "<p>kept</p>",
    });
    expect(runCli(["schema", "diff"], cwd, env).stdout).toContain("No changes");

    const schema = readSchema();
    const posts = find(schema, "oa_posts");
    posts.fields.find((f: Json) => f.name === "body").name = "content";
    posts.fields.push({ name: "summary", type: "text", max: 300 });
    posts.indexes.push("CREATE INDEX idx_oa_posts_title ON oa_posts (title)");
    find(schema, "oa_archive").listRule = "";
    const timestamps = find(schema, "oa_archive").fields.filter((f: Json) => f.type === "autodate");
    schema.push({ name: "cli_notes", type: "base", fields: [{ name: "text", type: "text" }, ...timestamps] });
    writeSchema(schema);

    const diff = runCli(["schema", "diff"], cwd, env);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("~ field oa_posts.body → content (renamed, data kept)");
    expect(diff.stdout).toContain("+ field oa_posts.summary (text)");
    expect(diff.stdout).toContain("+ index oa_posts: CREATE INDEX idx_oa_posts_title ON oa_posts (title)");
    expect(diff.stdout).toContain('~ oa_archive.listRule: null (superusers only) → ""');
    expect(diff.stdout).toContain("+ collection cli_notes (base)");
    expect(diff.stdout).toContain("No data at risk.");

    const push = runCli(["schema", "push", "--yes"], cwd, env);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toContain("Applied 5 change(s).");
    const after = await api("GET", `/api/collections/oa_posts/records/${post.id}`);
    expect(after.content).toBe("<p>kept</p>");
    expect(after.summary).toBe("");
    expect((await api("GET", "/api/collections/oa_archive")).listRule).toBe("");
    expect((await api("GET", "/api/collections/cli_notes")).fields.map((f: Json) => f.name)).toContain(
      "text",
    );
    expect(runCli(["schema", "diff"], cwd, env).stdout).toContain("No changes");
  });

  it("refuses to drop data without --allow-data-loss, and asks for --yes without a terminal", async () => {
    expect(runCli(["schema", "pull"], cwd, env).code).toBe(0);
    await api("POST", "/api/collections/oa_archive/records", { label: "precious" });
    const schema = readSchema();
    const archive = find(schema, "oa_archive");
    archive.fields = archive.fields.filter((f: Json) => f.name !== "label");
    writeSchema(schema.filter((c) => c.name !== "cli_notes"));

    const diff = runCli(["schema", "diff"], cwd, env);
    expect(diff.stdout).toMatch(/- field oa_archive\.label \(text\) +⚠ 1 record\(s\) hold data here/);
    expect(diff.stdout).toContain("- collection cli_notes");
    const refused = runCli(["schema", "push", "--yes"], cwd, env);
    expect(refused.code, refused.stderr).toBe(5);
    expect(refused.stderr).toContain("--allow-data-loss");
    expect((await api("GET", "/api/collections/oa_archive")).fields.map((f: Json) => f.name)).toContain(
      "label",
    );

    const unconfirmed = runCli(["schema", "push", "--allow-data-loss"], cwd, env);
    expect(unconfirmed.code).toBe(5);
    expect(unconfirmed.stderr).toContain("pass --yes");

    const accepted = runCli(["schema", "push", "--yes", "--allow-data-loss"], cwd, env);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect((await api("GET", "/api/collections/oa_archive")).fields.map((f: Json) => f.name)).not.toContain(
      "label",
    );
    const list = await api("GET", "/api/collections?perPage=200");
    expect(list.items.map((c: Json) => c.name)).not.toContain("cli_notes");
  });
});

describe("bad input: exit codes and messages", () => {
  it("a missing file (2), invalid JSON (2), an unreachable server (3), bad credentials (4)", () => {
    const empty = mkdtempSync(join(tmpdir(), "edgebase-cli-"));
    const missing = runCli(["schema", "push", "--yes"], empty, env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("edgebase.schema.json not found");

    writeFileSync(join(empty, "broken.json"), "{ not json");
    const invalid = runCli(["schema", "diff", "--file", "broken.json"], empty, env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("broken.json is not valid JSON");

    const unreachable = runCli(["schema", "pull"], empty, { ...env, EDGEBASE_URL: "http://127.0.0.1:9" });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain("Cannot reach http://127.0.0.1:9");

    const credentials = {
      EDGEBASE_URL: server.url,
      EDGEBASE_EMAIL: server.email,
      EDGEBASE_PASSWORD: server.password,
    };
    const signedIn = runCli(["schema", "diff"], cwd, credentials);
    expect(signedIn.code, signedIn.stderr).toBe(0);
    const wrongPassword = runCli(["schema", "pull"], empty, {
      ...credentials,
      EDGEBASE_PASSWORD: "not-the-password",
    });
    expect(wrongPassword.code).toBe(4);
    expect(wrongPassword.stderr).toContain("Superuser sign-in failed");

    const badToken = runCli(["schema", "pull"], empty, {
      EDGEBASE_URL: server.url,
      EDGEBASE_TOKEN: "garbage",
    });
    expect(badToken.code).toBe(4);

    const remote = runCli(["schema", "pull", "--remote"], empty, { EDGEBASE_TOKEN: "x" });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain("--remote needs EDGEBASE_URL");
  });

  it("--help works on every command", () => {
    for (const command of [
      [],
      ["schema"],
      ["schema", "pull"],
      ["schema", "diff"],
      ["schema", "push"],
      ["typegen"],
      ["superuser"],
      ["superuser", "create"],
      ["superuser", "update"],
      ["superuser", "delete"],
    ]) {
      const help = runCli([...command, "--help"], cwd);
      expect(help.code, command.join(" ")).toBe(0);
      expect(help.stdout).toContain(`Usage: edgebase${command.length ? ` ${command.join(" ")}` : ""}`);
    }
  });
});

describe("superuser", () => {
  it("create, update and delete work on the local database through wrangler", async () => {
    const signIn = async (password: string) =>
      (
        await fetchServer(`${server.url}/api/collections/_superusers/auth-with-password`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ identity: "second@example.com", password }),
        })
      ).status;
    // wrangler reads wrangler.toml from the working directory: the project root, as with `npm run edgebase`.
    const d1 = ["--persist-to", server.persistTo];
    const cwd = ROOT;
    const created = runCli(["superuser", "create", "second@example.com", "first-password", ...d1], cwd);
    expect(created.code, created.stderr).toBe(0);
    expect(await signIn("first-password")).toBe(200);
    expect(runCli(["superuser", "update", "second@example.com", "other-password", ...d1], cwd).code).toBe(0);
    expect(await signIn("first-password")).toBe(400);
    expect(await signIn("other-password")).toBe(200);
    expect(runCli(["superuser", "delete", "second@example.com", ...d1], cwd).code).toBe(0);
    expect(await signIn("other-password")).toBe(400);
    const again = runCli(["superuser", "delete", "second@example.com", ...d1], cwd);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("No superuser second@example.com");
    expect(runCli(["superuser", "create", "not-an-email", "first-password"], cwd).code).toBe(2);
  });
});

describe("typegen --graphql", () => {
  it("writes the superuser's GraphQL SDL next to the types, and refuses it with --schema (2)", () => {
    const sdlFile = join(cwd, "schema.graphql");
    const result = runCli(["typegen", "--graphql", sdlFile, "--out", join(cwd, "types.ts")], cwd, env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Wrote the GraphQL SDL");
    const sdl = readFileSync(sdlFile, "utf8");
    expect(sdl).toMatch(/type OaPosts\b/);
    expect(sdl).toMatch(/oa_posts_create\(/);
    expect(sdl).toMatch(/type Mutation\b/);

    const refused = runCli(["typegen", "--graphql", sdlFile, "--schema", schemaFile()], cwd, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("cannot be combined with --schema");
  });
});
