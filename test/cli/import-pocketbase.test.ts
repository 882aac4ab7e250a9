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
    expect(dry.stdout).toContain("_externalAuths: 1 record(s) into Edgebase's _externalAuths");
    expect(dry.stdout).toContain("_otps: 1 record(s) left behind (one-time passwords expire in minutes");
    expect(dry.stdout).toContain("storage: 2 file(s) into the FILES bucket");
    expect(dry.stdout).toContain("not imported: OAuth2 provider kakao: not implemented here");
    expect(dry.stdout).toContain("Dry run: nothing was changed");
    expect((await asRoot("/api/collections/posts")).status).toBe(404);
  });

  it("--yes moves collections, records with their ids, relations and superusers; a re-run changes nothing", async () => {
    const real = run(pbData, "--yes");
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain("posts: 205/205");
    expect(real.stdout).toContain("Done: 211 created, 0 updated, 0 unchanged.");
    expect(real.stdout).toContain("Files: 2 stored, 0 unchanged, 0 missing.");
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
    expect(again.stdout).toContain("Done: 0 created, 0 updated, 211 unchanged.");
    expect(again.stdout).toContain("Files: 0 stored, 2 unchanged, 0 missing.");
  });

  it("files are served under their PocketBase names; file fields, help text, OAuth2 and templates came along", async () => {
    const cover = await fetchServer(`${server.url}/api/files/posts/post00000000000/cover_x9y8z7.png`, {
      headers: { authorization: token },
    });
    expect(cover.status).toBe(200);
    expect(cover.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await cover.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    const ada = await asRoot("/api/collections/users/records/ada000000000001");
    expect(ada.body.avatar).toBe("ada_pic_a1b2c3.png");
    const avatar = await fetchServer(`${server.url}/api/files/users/ada000000000001/ada_pic_a1b2c3.png`, {
      headers: { authorization: token },
    });
    expect(avatar.status).toBe(200);

    const posts = await asRoot("/api/collections/posts");
    const field = (name: string) => posts.body.fields.find((f: Json) => f.name === name);
    expect(field("cover")).toMatchObject({ type: "file", maxSelect: 1 });
    expect(field("title")).toMatchObject({ help: "Shown in lists" });
    const users = await asRoot("/api/collections/users");
    expect(users.body.oauth2).toMatchObject({
      enabled: true,
      providers: [expect.objectContaining({ name: "oidc", clientId: "oidc-client", pkce: true })],
    });
    expect(JSON.stringify(users.body)).not.toMatch(/oidc-secret|gh-secret/);
    expect(users.body.verificationTemplate).toMatchObject({ subject: "Verify" });
    expect(users.body.fields.find((f: Json) => f.name === "name")).toMatchObject({
      help: "The display name",
    });
  });

  it("OAuth2 links move into _externalAuths with the collection id Edgebase knows", async () => {
    const links = await asRoot("/api/collections/_externalAuths/records");
    expect(links.body.items).toEqual([
      expect.objectContaining({
        id: "ext000000000001",
        collectionRef: "_pb_users_auth_",
        recordRef: "ada000000000001",
        provider: "oidc",
        providerId: "oidc-ada-1",
      }),
    ]);
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
