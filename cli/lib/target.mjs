/** Where a command talks to: the local `npm run dev` server or a deployed instance, and its credentials. */
import { existsSync, readFileSync } from "node:fs";
import { CliError, EXIT } from "./errors.mjs";

/** The address of `npm run dev` (wrangler's default port). */
export const LOCAL_URL = "http://127.0.0.1:8787";

/**
 * @typedef {object} Target
 * @property {string} url base URL, without a trailing slash
 * @property {string} [token] a superuser token
 * @property {string} [email] superuser email (signs in when there is no token)
 * @property {string} [password]
 * @property {"local" | "remote"} where
 */

/**
 * Reads `KEY=value` lines of a .dev.vars file (missing file: no values).
 * @param {string} path
 * @returns {Record<string, string>}
 */
export function readDevVars(path = ".dev.vars") {
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    readFileSync(path, "utf8")
      .split("\n")
      .map((line) => /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

/**
 * The target of a command. Remote needs EDGEBASE_URL and EDGEBASE_TOKEN or EDGEBASE_EMAIL/EDGEBASE_PASSWORD;
 * local defaults to {@link LOCAL_URL} and the superuser `npm run dev` wrote to .dev.vars.
 * @param {{ remote?: boolean, url?: string }} options `url` overrides EDGEBASE_URL (`npm run dev` passes its own)
 * @param {NodeJS.ProcessEnv} env
 * @returns {Target}
 */
export function resolveTarget(options, env = process.env) {
  const remote = options.remote === true;
  const url = (options.url || env.EDGEBASE_URL || (remote ? "" : LOCAL_URL)).replace(/\/+$/, "");
  if (!url) throw new CliError("--remote needs EDGEBASE_URL (the deployed Worker's address).", EXIT.input);
  const vars = remote ? {} : readDevVars();
  const email = env.EDGEBASE_EMAIL || vars.EDGEBASE_SUPERUSER_EMAIL;
  const password = env.EDGEBASE_PASSWORD || vars.EDGEBASE_SUPERUSER_PASSWORD;
  const token = env.EDGEBASE_TOKEN;
  if (!token && !(email && password)) {
    throw new CliError(
      remote
        ? "--remote needs EDGEBASE_TOKEN, or EDGEBASE_EMAIL and EDGEBASE_PASSWORD of a superuser."
        : "No superuser credentials: set EDGEBASE_EMAIL and EDGEBASE_PASSWORD, or run `npm run dev` once to write .dev.vars.",
      EXIT.input,
    );
  }
  return { url, token, email, password, where: remote ? "remote" : "local" };
}
