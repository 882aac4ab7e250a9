/**
 * `edgebase backup list|create|download|restore|pull`: backups through the API (the same routes as the SDK's
 * `pb.backups`), so a deployed instance's backup can be brought into local dev with one command.
 */
import { createWriteStream, existsSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ApiClient } from "../lib/client.mjs";
import { CliError, EXIT } from "../lib/errors.mjs";
import { LOCAL_URL, readDevVars, resolveTarget } from "../lib/target.mjs";

/** A backup transfer may take a while (archives are up to hundreds of MB). */
const TRANSFER_TIMEOUT_MS = 30 * 60_000;
/** The server's key rule (src/ops/backups/names.ts). */
const KEY = /^@?[a-z0-9_-]{1,146}\.zip$/;

/** @param {number} bytes */
function size(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** @param {{ remote?: boolean }} options */
function clientFor(options) {
  return new ApiClient(resolveTarget({ remote: options.remote === true }));
}

/** @param {ApiClient} api @returns {Promise<{ key: string, size: number, modified: string }[]>} */
async function listOf(api) {
  return api.request("GET", "/api/backups");
}

/** `backup list`: one line per backup, newest first. */
export async function list(/** @type {{ remote?: boolean }} */ options) {
  const backups = await listOf(clientFor(options));
  if (backups.length === 0) process.stdout.write("No backups.\n");
  for (const b of backups) process.stdout.write(`${b.key}\t${size(b.size)}\t${b.modified}\n`);
}

/** `backup create [name]`: makes a backup on the server. */
export async function create(
  /** @type {string | undefined} */ name,
  /** @type {{ remote?: boolean }} */ options,
) {
  const api = clientFor(options);
  await api.request("POST", "/api/backups", name ? { name } : {});
  process.stdout.write(`Backup created on ${api.url}${name ? `: ${name}` : ""}.\n`);
}

/**
 * Downloads `key` (default: the newest backup) to `out` with progress on stderr; returns the file's path.
 * @param {ApiClient} api
 * @param {string | undefined} key
 * @param {string | undefined} out
 */
async function downloadTo(api, key, out) {
  const backups = await listOf(api);
  const chosen = key ? backups.find((b) => b.key === key) : backups[0];
  if (!chosen)
    throw new CliError(
      key ? `No backup named ${key} on ${api.url}.` : `No backups on ${api.url}.`,
      EXIT.input,
    );
  const path = out ?? chosen.key.replace(/^@/, "");
  // Downloads authenticate with a short-lived file token, as the dashboard's links do.
  const { token } = await api.request("POST", "/api/files/token");
  const res = await api.raw(
    "GET",
    `/api/backups/${encodeURIComponent(chosen.key)}?token=${encodeURIComponent(token)}`,
    {},
    TRANSFER_TIMEOUT_MS,
  );
  if (!res.body) throw new CliError("The server sent no archive.");
  let received = 0;
  let shown = 0;
  const progress = new Transform({
    transform(chunk, _encoding, done) {
      received += chunk.length;
      if (received - shown >= 1024 * 1024 || received === chosen.size) {
        shown = received;
        process.stderr.write(`\r${chosen.key}: ${size(received)} of ${size(chosen.size)}`);
      }
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(/** @type {any} */ (res.body)), progress, createWriteStream(path));
  process.stderr.write("\n");
  if (received !== chosen.size) {
    throw new CliError(`The download stopped at ${received} of ${chosen.size} bytes; ${path} is incomplete.`);
  }
  return path;
}

/** `backup download [key]`: saves a backup (default: the newest) to a file. */
export async function download(
  /** @type {string | undefined} */ key,
  /** @type {{ remote?: boolean, out?: string }} */ options,
) {
  const path = await downloadTo(clientFor(options), key, options.out);
  process.stdout.write(`Saved ${path}.\n`);
}

/**
 * Uploads `file` to the target and restores it there. The upload keeps the file's name when the target has no
 * backup by that name, else gets a `pulled_` name, so an existing backup is never overwritten.
 * @param {ApiClient} api
 * @param {string} file
 */
async function restoreFile(api, file) {
  if (!existsSync(file)) throw new CliError(`No such file: ${file}`, EXIT.input);
  let key = basename(file).toLowerCase();
  if (!KEY.test(key)) key = `pulled_${Date.now()}.zip`;
  const existing = new Set((await listOf(api)).map((b) => b.key));
  if (existing.has(key)) key = `pulled_${Date.now()}_${key}`.slice(0, 146 + 4);
  process.stderr.write(`Uploading ${file} (${size(statSync(file).size)}) as ${key}…\n`);
  const form = new FormData();
  form.append("file", new Blob([readFileSync(file)], { type: "application/zip" }), key);
  await api.raw("POST", "/api/backups/upload", { body: form }, TRANSFER_TIMEOUT_MS);
  process.stderr.write(`Restoring ${key} on ${api.url}…\n`);
  await api.raw("POST", `/api/backups/${encodeURIComponent(key)}/restore`, {}, TRANSFER_TIMEOUT_MS);
  process.stdout.write(`Restored ${key} on ${api.url}.\n`);
}

/** `backup restore <file>`: replaces the target's data (default: local dev) with a downloaded backup. */
export async function restore(
  /** @type {string} */ file,
  /** @type {{ remote?: boolean, yes?: boolean }} */ options,
) {
  if (options.remote && !options.yes) {
    throw new CliError(
      "Restoring replaces ALL data of the deployed instance: add --yes to confirm.",
      EXIT.refused,
    );
  }
  await restoreFile(clientFor(options), file);
}

/**
 * `backup pull [key]`: downloads a deployed instance's backup (default: the newest) and restores it into local
 * dev. EDGEBASE_URL and EDGEBASE_* name the deployed side; the local side is always `npm run dev` (at
 * `--local-url`, default wrangler's port) as the superuser in .dev.vars.
 */
export async function pull(
  /** @type {string | undefined} */ key,
  /** @type {{ out?: string, localUrl?: string }} */ options,
) {
  const path = await downloadTo(clientFor({ remote: true }), key, options.out);
  const vars = readDevVars();
  if (!vars.EDGEBASE_SUPERUSER_EMAIL || !vars.EDGEBASE_SUPERUSER_PASSWORD) {
    throw new CliError(
      `Saved ${path}, but .dev.vars has no superuser: run \`npm run dev\` once, then \`edgebase backup restore ${path}\`.`,
      EXIT.input,
    );
  }
  const local = new ApiClient({
    url: (options.localUrl ?? LOCAL_URL).replace(/\/+$/, ""),
    email: vars.EDGEBASE_SUPERUSER_EMAIL,
    password: vars.EDGEBASE_SUPERUSER_PASSWORD,
    where: "local",
  });
  await restoreFile(local, path);
}
