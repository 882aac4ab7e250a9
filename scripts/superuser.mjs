#!/usr/bin/env node
/**
 * `npm run superuser -- <email> <password> [--remote | --local] [--persist-to DIR]`: creates the superuser, or
 * sets a new password for an existing one (its tokenKey is replaced too, so every token issued before stops
 * working). Talks to D1 through `wrangler d1 execute`; `--remote` targets the deployed database.
 */
import { spawnSync } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";

// Must match src/auth/password.ts: `pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>`.
const ITERATIONS = 100_000;
// Must match src/lib/secrets.ts (tokenKeys: 50 characters of this alphabet). A new tokenKey also ends every
// session of the superuser: refresh checks the key fingerprint the session was made under.
const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const args = process.argv.slice(2);
const flags = args.filter((a, i) => a.startsWith("--") || args[i - 1] === "--persist-to");
const [email, password] = args.filter((a) => !flags.includes(a));
if (!email || !password || !/^[^\s@']+@[^\s@']+$/.test(email)) {
  console.error("Usage: npm run superuser -- <email> <password> [--remote | --local] [--persist-to DIR]");
  process.exit(2);
}
const length = [...password].length;
if (length < 8 || length > 256) {
  console.error("The password must have 8 to 256 characters.");
  process.exit(2);
}

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

const salt = randomBytes(16);
const hash = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
const stored = ["pbkdf2_sha256", ITERATIONS, salt.toString("base64"), hash.toString("base64")].join("$");
const quote = (/** @type {unknown} */ value) => `'${String(value).replaceAll("'", "''")}'`;
const now = "strftime('%Y-%m-%d %H:%M:%fZ', 'now')";
const id = randomString(15, "abcdefghijklmnopqrstuvwxyz0123456789");
const match = `lower(email) = lower(${quote(email)})`;
const sql = [
  `UPDATE _superusers SET password = ${quote(stored)}, tokenKey = ${quote(randomString(50, ALPHANUMERIC))}, updated = ${now} WHERE ${match};`,
  `INSERT INTO _superusers (id, email, password, tokenKey, emailVisibility, verified, created, updated)
   SELECT ${quote(id)}, ${quote(email)}, ${quote(stored)}, ${quote(randomString(50, ALPHANUMERIC))}, 0, 1, ${now}, ${now}
   WHERE NOT EXISTS (SELECT 1 FROM _superusers WHERE ${match});`,
].join("\n");

const where = flags.includes("--remote") ? "remote" : "local";
const target = [`--${where}`];
const persistDir = args[args.indexOf("--persist-to") + 1];
const persist = flags.includes("--persist-to") && persistDir ? ["--persist-to", persistDir] : [];
const run = spawnSync("wrangler", ["d1", "execute", "DB", ...target, ...persist, "--command", sql], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, CI: "true" },
});
if (run.status !== 0) {
  console.error("wrangler d1 execute failed; see the output above (are the migrations applied?).");
  process.exit(run.status ?? 1);
}
console.log(
  `Superuser ${email} is set (${where} database). Sign in at /api/collections/_superusers/auth-with-password.`,
);
