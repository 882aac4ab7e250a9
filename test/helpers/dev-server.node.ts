/** Starts a real `wrangler dev` server on fresh local state for Node-side tests (CLI, OpenAPI conformance). */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A running server and its bootstrap superuser. */
export interface DevServer {
  url: string;
  email: string;
  password: string;
  /** The local state directory (`--persist-to`), for wrangler d1 commands against the same database. */
  persistTo: string;
  /** The last lines wrangler printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not answer within 150 s:\n${output()}`);
}

/** Options for {@link startDevServer}. */
export interface DevServerOptions {
  /** Extra Worker vars, given the server's URL (e.g. `APP_URL`, `MAIL_API_URL`). */
  vars?: (url: string) => Record<string, string>;
}

/** Applies the system migrations to fresh local state and starts `wrangler dev` on a free port. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const persistTo = mkdtempSync(join(tmpdir(), "edgebase-test-"));
  const env = { ...process.env, CI: "true" };
  for (const database of ["DB", "LOGS"]) {
    const migrate = spawnSync(
      "wrangler",
      ["d1", "migrations", "apply", database, "--local", "--persist-to", persistTo],
      { env, encoding: "utf8" },
    );
    if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
  }
  const [port, inspector] = [await freePort(), await freePort()];
  const email = "cli-test@example.com";
  const password = randomBytes(12).toString("base64url");
  const url = `http://127.0.0.1:${port}`;
  const extraVars = Object.entries(options.vars?.(url) ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  // A process group of its own: wrangler starts workerd, and stop() must end both.
  const child = spawn(
    "wrangler",
    [
      "dev",
      ...["--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)],
      ...["--persist-to", persistTo, "--show-interactive-dev-session=false"],
      ...["--var", `EDGEBASE_SUPERUSER_EMAIL:${email}`, "--var", `EDGEBASE_SUPERUSER_PASSWORD:${password}`],
      ...extraVars,
    ],
    { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (chunk) => {
    log = (log + chunk).slice(-20_000);
  });
  child.stderr?.on("data", (chunk) => {
    log = (log + chunk).slice(-20_000);
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    rmSync(persistTo, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, email, password, persistTo, log: () => log, stop };
}

/**
 * fetch, retried once on a network error: wrangler dev closes idle keep-alive connections, and undici may
 * reuse one just as it closes ("other side closed") after a test spent a while in a child process.
 */
export async function fetchServer(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

/** Signs in as the server's superuser and returns the token. */
export async function superuserToken(server: DevServer): Promise<string> {
  const res = await fetchServer(`${server.url}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: server.email, password: server.password }),
  });
  if (!res.ok) throw new Error(`superuser sign-in ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A JSON answer: the status and the parsed body (null when empty). */
export interface JsonAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked by the tests' assertions.
  body: any;
}

/** Sends a JSON request to the server with `Authorization: <token>` and parses the answer. */
export async function callJson(
  server: Pick<DevServer, "url">,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<JsonAnswer> {
  const res = await fetchServer(`${server.url}${path}`, {
    method,
    headers: { authorization: token, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
