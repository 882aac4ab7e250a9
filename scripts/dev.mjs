#!/usr/bin/env node
/**
 * `npm run dev`: writes a git-ignored `.dev.vars` with a local superuser when there is none, applies system
 * migrations to the local D1 databases (DB and LOGS), then starts `wrangler dev`. When `edgebase.schema.json` exists, it is
 * applied to the local database once the server answers (schema as code), and the changes are printed.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { push } from "../cli/commands/schema.mjs";
import { CliError, EXIT } from "../cli/lib/errors.mjs";
import { SCHEMA_FILE } from "../cli/lib/schema-file.mjs";

// Extra arguments pass through to `wrangler dev` (e.g. `npm run dev -- --port 8788 --ip 127.0.0.1`).
const devArgs = process.argv.slice(2);
// Local state can be relocated with wrangler's --persist-to; migrations must land in the same place.
const persistIndex = devArgs.indexOf("--persist-to");
const persistArgs = persistIndex >= 0 ? devArgs.slice(persistIndex, persistIndex + 2) : [];

// Both databases: DB (collections, records, auth) and LOGS (request and application logs).
for (const database of ["DB", "LOGS"]) {
  const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", database, "--local", ...persistArgs], {
    stdio: "inherit",
    env: { ...process.env, CI: "true" },
  });
  if (migrate.status !== 0) {
    console.error(`Applying local D1 migrations to ${database} failed; see the output above.`);
    process.exit(migrate.status ?? 1);
  }
}

const DEV_VARS = ".dev.vars";
const DEFAULT_EMAIL = "admin@edgebase.local";
if (!existsSync(DEV_VARS)) {
  // 18 random bytes as base64url: 24 characters, far above the 8-character minimum.
  const password = randomBytes(18).toString("base64url");
  writeFileSync(
    DEV_VARS,
    [
      "# Local secrets for `npm run dev` (git-ignored). The superuser below is created on the first request.",
      `EDGEBASE_SUPERUSER_EMAIL=${DEFAULT_EMAIL}`,
      `EDGEBASE_SUPERUSER_PASSWORD=${password}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  console.log(`Wrote ${DEV_VARS} with a generated superuser password.`);
}
const vars = Object.fromEntries(
  readFileSync(DEV_VARS, "utf8")
    .split("\n")
    .map((line) => /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => [m[1], m[2]]),
);
if (vars.EDGEBASE_SUPERUSER_EMAIL && vars.EDGEBASE_SUPERUSER_PASSWORD) {
  const body = JSON.stringify({
    identity: vars.EDGEBASE_SUPERUSER_EMAIL,
    password: vars.EDGEBASE_SUPERUSER_PASSWORD,
  });
  console.log(
    [
      "",
      `Superuser (from ${DEV_VARS}): ${vars.EDGEBASE_SUPERUSER_EMAIL} / ${vars.EDGEBASE_SUPERUSER_PASSWORD}`,
      "Sign in (replace <url> with the address wrangler prints, e.g. http://localhost:8787):",
      `  curl -s -X POST <url>/api/collections/_superusers/auth-with-password -H 'content-type: application/json' -d '${body}'`,
      "Then send the returned token as `Authorization: <token>`, e.g. curl <url>/api/collections -H 'Authorization: <token>'",
    ].join("\n"),
  );
} else {
  console.log(`${DEV_VARS} has no EDGEBASE_SUPERUSER_EMAIL/PASSWORD: no superuser is bootstrapped.`);
}

console.log(
  [
    '\nStarting Edgebase. Once wrangler prints "Ready on <url>":',
    "  the API is at <url>/api (try <url>/api/health),",
    "  the dashboard is at <url>/_/ (sign in with the superuser above),",
    "  the API reference is at <url>/api/docs.\n",
  ].join("\n"),
);

// EDGEBASE_DEV=1 marks local development (src/http/auth-env.ts): dev mailer, links from the request's origin.
const dev = spawn("wrangler", ["dev", "--var", "EDGEBASE_DEV:1", ...devArgs], { stdio: "inherit" });
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** The value of a `--name value` argument given to wrangler dev. */
const argOf = (/** @type {string} */ name) => {
  const i = devArgs.indexOf(name);
  return i >= 0 ? devArgs[i + 1] : undefined;
};

/** Polls /api/health until the server answers (wrangler prints "Ready" a moment before it does). */
async function waitForServer(/** @type {string} */ url) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

if (existsSync(SCHEMA_FILE)) {
  const host = argOf("--ip");
  const url = `http://${!host || host === "0.0.0.0" || host === "localhost" ? "127.0.0.1" : host}:${argOf("--port") ?? 8787}`;
  if (await waitForServer(url)) {
    console.log(`\nApplying ${SCHEMA_FILE} to the local database:`);
    try {
      await push({ file: SCHEMA_FILE, url, yes: true, allowDataLoss: false });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`${SCHEMA_FILE} was not applied: ${message}`);
      if (error instanceof CliError && error.exitCode === EXIT.refused) {
        console.error(
          "Review with `npm run edgebase -- schema diff`; accept with `npm run edgebase -- schema push --allow-data-loss`.",
        );
      }
    }
  } else {
    console.error(`The server did not answer at ${url}: ${SCHEMA_FILE} was not applied.`);
  }
}
