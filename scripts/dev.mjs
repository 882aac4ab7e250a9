#!/usr/bin/env node
/** `npm run dev`: applies system migrations to the local D1 database, then starts `wrangler dev`. */
import { spawn, spawnSync } from "node:child_process";

// Extra arguments pass through to `wrangler dev` (e.g. `npm run dev -- --port 8788 --ip 127.0.0.1`).
const devArgs = process.argv.slice(2);
// Local state can be relocated with wrangler's --persist-to; migrations must land in the same place.
const persistIndex = devArgs.indexOf("--persist-to");
const persistArgs = persistIndex >= 0 ? devArgs.slice(persistIndex, persistIndex + 2) : [];

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", ...persistArgs], {
  stdio: "inherit",
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) {
  console.error("Applying local D1 migrations failed; see the output above.");
  process.exit(migrate.status ?? 1);
}

console.log(
  '\nStarting Edgebase. Once wrangler prints "Ready on <url>", the API is at <url>/api (try <url>/api/health).\n',
);

const dev = spawn("wrangler", ["dev", ...devArgs], { stdio: "inherit" });
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
