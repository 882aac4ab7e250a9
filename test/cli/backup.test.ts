/** `edgebase backup …` against a real local server: create, list, download, and pull (download + restore). */
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, fetchServer, startDevServer, superuserToken } from "../helpers/dev-server.node";
import { runCli } from "./run-cli.node";

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as plain JSON.
type Json = any;

let server: DevServer;
let token: string;
let cwd: string;
let remoteEnv: Record<string, string>;

async function api(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetchServer(server.url + path, {
    method,
    headers: { authorization: token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function titles(): Promise<string[]> {
  const page = await api("GET", "/api/collections/cli_notes/records?sort=title");
  return page.items.map((r: Json) => r.title);
}

beforeAll(async () => {
  server = await startDevServer();
  token = await superuserToken(server);
  await api("POST", "/api/collections", {
    name: "cli_notes",
    type: "base",
    fields: [{ name: "title", type: "text" }],
    listRule: "",
  });
  await api("POST", "/api/collections/cli_notes/records", { title: "kept" });
  cwd = mkdtempSync(join(tmpdir(), "edgebase-backup-"));
  // The "deployed" side is the same server, reached the way a deployed one is (EDGEBASE_URL and a token); the
  // local side signs in as the superuser of .dev.vars, as after `npm run dev`.
  writeFileSync(
    join(cwd, ".dev.vars"),
    `EDGEBASE_SUPERUSER_EMAIL=${server.email}\nEDGEBASE_SUPERUSER_PASSWORD=${server.password}\n`,
  );
  remoteEnv = { EDGEBASE_URL: server.url, EDGEBASE_TOKEN: token };
});

afterAll(async () => {
  await server?.stop();
});

describe("edgebase backup", () => {
  it("creates and lists backups", async () => {
    const made = runCli(["backup", "create", "cli_one.zip", "--remote"], cwd, remoteEnv);
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    const listed = runCli(["backup", "list", "--remote"], cwd, remoteEnv);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^cli_one\.zip\t[\d.]+ KiB\t\d{4}-/m);
  });

  it("downloads a backup with progress, byte for byte", async () => {
    const run = runCli(["backup", "download", "cli_one.zip", "--remote", "-o", "copy.zip"], cwd, remoteEnv);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("cli_one.zip:");
    const listed = (await api("GET", "/api/backups")) as Json[];
    expect(statSync(join(cwd, "copy.zip")).size).toBe(listed.find((b) => b.key === "cli_one.zip").size);
  });

  it("pull brings the deployed data back into local dev", async () => {
    await api("POST", "/api/collections/cli_notes/records", { title: "after the backup" });
    expect(await titles()).toEqual(["after the backup", "kept"]);
    const run = runCli(["backup", "pull", "cli_one.zip", "--local-url", server.url], cwd, remoteEnv);
    expect(run.stderr).toContain("Restoring");
    expect(run.code).toBe(0);
    expect(existsSync(join(cwd, "cli_one.zip"))).toBe(true);
    // The local side already had cli_one.zip: the upload took another name instead of overwriting it.
    expect(run.stdout).toMatch(/Restored pulled_\d+_cli_one\.zip/);
    expect(await titles()).toEqual(["kept"]);
  });

  it("refuses what it cannot do with the documented exit codes", () => {
    expect(runCli(["backup", "download", "nope.zip", "--remote"], cwd, remoteEnv).code).toBe(2);
    expect(runCli(["backup", "restore", "missing.zip"], cwd, {}).code).toBe(2);
    const unconfirmed = runCli(["backup", "restore", "copy.zip", "--remote"], cwd, remoteEnv);
    expect(unconfirmed.code).toBe(5);
    expect(unconfirmed.stderr).toContain("--yes");
  });
});
