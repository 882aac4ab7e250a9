/**
 * `edgebase superuser create|update|delete`: manages superusers directly in D1 through `wrangler d1 execute`
 * (no server needed; `--remote` targets the deployed database). A new password also replaces the tokenKey,
 * so every token issued before stops working.
 */
import { spawnSync } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { CliError, EXIT } from "../lib/errors.mjs";

// Must match src/auth/password.ts: `pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>`.
const ITERATIONS = 100_000;
// Must match src/lib/secrets.ts (tokenKeys: 50 characters of this alphabet). A new tokenKey also ends every
// session of the superuser: refresh checks the key fingerprint the session was made under.
const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * A random string over `alphabet` (at most 62 characters) without modulo bias.
 * @param {number} size
 * @param {string} alphabet
 */
function randomString(size, alphabet) {
  let out = "";
  while (out.length < size) {
    for (const byte of randomBytes(size)) {
      if (byte < 248 && out.length < size) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** @param {string} email */
function checkEmail(email) {
  if (!/^[^\s@']+@[^\s@']+$/.test(email)) throw new CliError(`Invalid email: ${email}`, EXIT.input);
}

/** @param {string} password */
function hashOf(password) {
  const length = [...password].length;
  if (length < 8 || length > 256)
    throw new CliError("The password must have 8 to 256 characters.", EXIT.input);
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
  return ["pbkdf2_sha256", ITERATIONS, salt.toString("base64"), hash.toString("base64")].join("$");
}

const quote = (/** @type {unknown} */ value) => `'${String(value).replaceAll("'", "''")}'`;
const NOW = "strftime('%Y-%m-%d %H:%M:%fZ', 'now')";
const match = (/** @type {string} */ email) => `lower(email) = lower(${quote(email)})`;

/**
 * @typedef {{ remote?: boolean, persistTo?: string }} D1Options
 */

/**
 * Runs SQL on D1 with wrangler; returns the rows changed by the last statement. Local D1 reports no
 * `meta.changes`, so `SELECT changes()` is appended and read instead.
 * @param {string} sql
 * @param {D1Options} options
 */
function execute(sql, options) {
  const where = options.remote ? "--remote" : "--local";
  const persist = options.persistTo ? ["--persist-to", options.persistTo] : [];
  const command = `${sql}\nSELECT changes() AS changed;`;
  const run = spawnSync(
    "wrangler",
    ["d1", "execute", "DB", where, ...persist, "--json", "--command", command],
    {
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    },
  );
  if (run.status !== 0) {
    throw new CliError(
      "wrangler d1 execute failed; see the output above (are the migrations applied?).",
      EXIT.failed,
    );
  }
  try {
    return Number(JSON.parse(run.stdout).at(-1)?.results?.[0]?.changed ?? 0);
  } catch {
    throw new CliError(`Unexpected output of wrangler d1 execute: ${run.stdout.slice(0, 300)}`, EXIT.failed);
  }
}

/**
 * `superuser create`: creates the superuser, or sets a new password when it exists.
 * @param {string} email
 * @param {string} password
 * @param {D1Options} options
 */
export function createSuperuser(email, password, options) {
  checkEmail(email);
  const stored = hashOf(password);
  const id = randomString(15, "abcdefghijklmnopqrstuvwxyz0123456789");
  execute(
    [
      `UPDATE _superusers SET password = ${quote(stored)}, tokenKey = ${quote(randomString(50, ALPHANUMERIC))}, updated = ${NOW} WHERE ${match(email)};`,
      `INSERT INTO _superusers (id, email, password, tokenKey, emailVisibility, verified, created, updated)
       SELECT ${quote(id)}, ${quote(email)}, ${quote(stored)}, ${quote(randomString(50, ALPHANUMERIC))}, 0, 1, ${NOW}, ${NOW}
       WHERE NOT EXISTS (SELECT 1 FROM _superusers WHERE ${match(email)});`,
    ].join("\n"),
    options,
  );
  console.log(`Superuser ${email} is set (${options.remote ? "remote" : "local"} database).`);
}

/**
 * `superuser update`: sets a new password of an existing superuser.
 * @param {string} email
 * @param {string} password
 * @param {D1Options} options
 */
export function updateSuperuser(email, password, options) {
  checkEmail(email);
  const sql = `UPDATE _superusers SET password = ${quote(hashOf(password))}, tokenKey = ${quote(randomString(50, ALPHANUMERIC))}, updated = ${NOW} WHERE ${match(email)};`;
  if (execute(sql, options) === 0) throw new CliError(`No superuser ${email}.`, EXIT.failed);
  console.log(`Superuser ${email} has a new password; earlier tokens no longer work.`);
}

/**
 * `superuser delete`: removes a superuser.
 * @param {string} email
 * @param {D1Options} options
 */
export function deleteSuperuser(email, options) {
  checkEmail(email);
  if (execute(`DELETE FROM _superusers WHERE ${match(email)};`, options) === 0) {
    throw new CliError(`No superuser ${email}.`, EXIT.failed);
  }
  console.log(`Superuser ${email} deleted.`);
}
