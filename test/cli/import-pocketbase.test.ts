/** `edgebase import pocketbase` against a real local server, on the fixture built by scripts/build-pocketbase-fixture.mjs. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixture, FIXTURE_PASSWORDS } from "../../scripts/build-pocketbase-fixture.mjs";
import { type DevServer, fetchServer, startDevServer, superuserToken } from "../helpers/dev-server.node";
import { runCli } from "./run-cli.node";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by shape.
type Json = any;

let server: DevServer;
let token: string;
let work: string;
let pbData: string;
let env: Record<string, string>;

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  const res = await fetchServer(server.url + path, init);
  return { status: res.status, body: await res.json() };
}
const asRoot = (path: string) => api(path, { headers: { authorization: token } });
const signIn = (collection: string, identity: string, password: string) =>
  api(`/api/collections/${collection}/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity, password }),
  });
const run = (...args: string[]) => runCli(["import", "pocketbase", ...args], work, env);

beforeAll(async () => {
  server = await startDevServer();
  token = await superuserToken(server);
  work = mkdtempSync(join(tmpdir(), "edgebase-pb-import-"));
  pbData = join(work, "pb_data");
  buildFixture(pbData);
  env = { EDGEBASE_URL: server.url, EDGEBASE_TOKEN: token };
});

afterAll(async () => {
  await server?.stop();
});

describe("bad input changes nothing", () => {
  it("a missing directory, a file that is not SQLite, a corrupt database and a newer PocketBase are exit 2", async () => {
    const missing = run(join(work, "nowhere"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("No PocketBase database");

    const notSqlite = join(work, "not-sqlite");
    mkdirSync(notSqlite);
    writeFileSync(join(notSqlite, "data.db"), "hello, not a database");
    const refused = run(notSqlite);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("not a SQLite database");

    const corrupt = join(work, "corrupt");
    buildFixture(corrupt);
    const bytes = Buffer.from(
      await import("node:fs").then((fs) => fs.readFileSync(join(corrupt, "data.db"))),
    );
    bytes.fill(0x5a, 4096, bytes.length - 100);
    writeFileSync(join(corrupt, "data.db"), bytes);
    const broken = run(corrupt);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/corrupt|not a PocketBase/);

    const newer = join(work, "newer");
    buildFixture(newer);
    const db = new DatabaseSync(join(newer, "data.db"));
    db.prepare("INSERT INTO _migrations (file, applied) VALUES (?, ?)").run("1899999999_future_change.go", 1);
    db.close();
    const future = run(newer);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain("newer PocketBase");

    expect((await asRoot("/api/collections/posts")).status).toBe(404);
  });
});

describe("import", () => {
  it("a dry run prints the plan, with what stays behind, and changes nothing", async () => {
    const dry = run(pbData);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("posts (base): create collection, 205 record(s)");
    expect(dry.stdout).toContain("_superusers: 2 record(s) into Edgebase's _superusers");
    expect(dry.stdout).toContain("field cover (file)");
    expect(dry.stdout).toContain("oauth2: OAuth2 providers land with issue 15");
    expect(dry.stdout).toContain("Dry run: nothing was changed");
    expect((await asRoot("/api/collections/posts")).status).toBe(404);
  });

  it("--yes moves collections, records with their ids, relations and superusers; a re-run changes nothing", async () => {
    const real = run(pbData, "--yes");
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain("posts: 205/205");
    expect(real.stdout).toContain("Done: 210 created, 0 updated, 0 unchanged.");
    const list = await asRoot("/api/collections/posts/records?perPage=1&sort=id");
    expect(list.body.totalItems).toBe(205);
    const post = await asRoot("/api/collections/posts/records/post00000000000?expand=author,tags");
    expect(post.body).toMatchObject({
      title: "Post 0",
      labels: ["a", "c"],
      meta: { nested: { n: 1 }, list: [1, 2] },
      place: { lon: 13.4, lat: 52.5 },
      publishedAt: "2024-02-29 08:30:00.000Z",
      created: "2024-03-01 12:00:00.000Z",
    });
    expect(post.body.expand.author.name).toBe("Ada");
    expect(post.body.expand.tags.map((t: Json) => t.label)).toEqual(["intro", "edge"]);
    const view = await api("/api/collections/post_titles/records?perPage=1&sort=id");
    expect(view.body.items[0]).toMatchObject({ id: "post00000000000", title: "Post 0" });

    const again = run(pbData, "--yes");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Done: 0 created, 0 updated, 210 unchanged.");
  });

  it("users and superusers sign in with their PocketBase passwords; the installer account is not imported", async () => {
    const ada = await signIn("users", "ada@example.com", FIXTURE_PASSWORDS["ada@example.com"]);
    expect(ada.status).toBe(200);
    expect(ada.body.record).toMatchObject({ id: "ada000000000001", name: "Ada" });
    expect((await signIn("users", "ada@example.com", "wrong password")).status).toBe(400);
    const root = await signIn("_superusers", "root@example.com", FIXTURE_PASSWORDS["root@example.com"]);
    expect(root.status).toBe(200);
    const installer = await signIn(
      "_superusers",
      "__pbinstaller@example.com",
      FIXTURE_PASSWORDS["root@example.com"],
    );
    expect(installer.status).toBe(400);
  });
});
