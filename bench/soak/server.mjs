/** Serves the soak bundle from one workerd on fresh in-memory state, with the system migrations applied. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BUILD_DIR } from "../lib/config.mjs";
import { migrationStatements, resetLogs } from "../lib/seed.mjs";
import { startServer, workerOptions } from "../lib/server.mjs";
import { SUPERUSER } from "./setup.mjs";

/**
 * @param {string} main path of the built bundle
 * @param {(line: string) => void} onLog receives every line workerd logs (the Worker logs warnings and errors)
 * @param {{ inspectorPort?: number }} [debug] inspectorPort: open workerd's inspector there (`--heap`)
 * @returns {Promise<{ url: string, dispose: () => Promise<void> }>}
 */
export async function startSoakServer(main, onLog, debug = {}) {
  const options = workerOptions("edgebase", main, /** @type {any} */ ("soak"));
  const worker = {
    ...options,
    name: "edgebase-soak",
    bindings: {
      .../** @type {Record<string, unknown>} */ (options.bindings ?? {}),
      EDGEBASE_SUPERUSER_EMAIL: SUPERUSER.email,
      EDGEBASE_SUPERUSER_PASSWORD: SUPERUSER.password,
    },
  };
  // Fresh state on disk, not in memory: in-memory databases would count in workerd's RSS and pass for a leak.
  const state = join(BUILD_DIR, "soak-state");
  rmSync(state, { recursive: true, force: true });
  const server = await startServer([worker], {
    persist: state,
    inspectorPort: debug.inspectorPort,
    onLog: (entry) => onLog(`${entry.level} ${entry.message}`),
  });
  const db = await server.mf.getD1Database("DB", "edgebase-soak");
  await db.batch(migrationStatements().map((s) => db.prepare(s)));
  await resetLogs(await server.mf.getD1Database("LOGS", "edgebase-soak"));
  const url = server.urls.get("edgebase-soak");
  if (!url) throw new Error("the soak Worker has no URL");
  return { url, dispose: server.dispose };
}
