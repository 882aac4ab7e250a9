/** `edgebase schema pull|diff|push`: the collections as code in edgebase.schema.json. */
import { createInterface } from "node:readline/promises";
import { ApiClient } from "../lib/client.mjs";
import { diffSchemas, formatDiff, totalAtRisk } from "../lib/diff.mjs";
import { CliError, EXIT } from "../lib/errors.mjs";
import { canonicalSchema, readSchemaFile, writeSchemaFile } from "../lib/schema-file.mjs";
import { resolveTarget } from "../lib/target.mjs";

/** Progress goes to stderr so stdout stays the command's result. */
const progress = (/** @type {string} */ message) => process.stderr.write(`${message}\n`);

/**
 * Counts a collection's records matching a filter through the records API (the server runs the query).
 * @param {ApiClient} client
 * @returns {import("../lib/diff.mjs").CountRecords}
 */
function recordCounter(client) {
  return async (collection, filter) => {
    const query = new URLSearchParams({ perPage: "1", fields: "id" });
    if (filter) query.set("filter", filter);
    const path = `/api/collections/${encodeURIComponent(collection)}/records?${query}`;
    try {
      return Number((await client.request("GET", path)).totalItems) || 0;
    } catch (error) {
      if (!filter || (error instanceof CliError && error.exitCode !== EXIT.failed)) throw error;
      // A filter the server refuses (e.g. a field type it cannot compare): count every record instead.
      return Number((await client.request("GET", path.replace(/&filter=[^&]*/, ""))).totalItems) || 0;
    }
  };
}

/**
 * Loads the server's schema with progress output.
 * @param {{ remote?: boolean, url?: string }} options
 */
async function connect(options) {
  const target = resolveTarget(options);
  const client = new ApiClient(target);
  progress(`Reading collections from ${target.url} (${target.where})…`);
  return { client, current: await client.collections() };
}

/**
 * `schema pull`: writes the server's collections to the file.
 * @param {{ remote?: boolean, file: string }} options
 */
export async function pull(options) {
  const { current } = await connect(options);
  writeSchemaFile(options.file, current);
  progress(`Wrote ${current.length} collection(s) to ${options.file}.`);
}

/**
 * The diff between the file and the server.
 * @param {{ remote?: boolean, url?: string, file: string }} options
 */
async function planPush(options) {
  const desired = readSchemaFile(options.file);
  const { client, current } = await connect(options);
  progress("Comparing (and counting records at risk)…");
  const changes = await diffSchemas(
    canonicalSchema(desired),
    canonicalSchema(current),
    recordCounter(client),
  );
  return { client, desired, current, changes };
}

/**
 * `schema diff`: prints what push would change.
 * @param {{ remote?: boolean, file: string }} options
 */
export async function diff(options) {
  const { changes } = await planPush(options);
  process.stdout.write(`${formatDiff(changes)}\n`);
}

/**
 * Asks on the terminal; without one, the caller must have passed --yes.
 * @param {string} question
 */
async function confirm(question) {
  if (!process.stdin.isTTY) {
    throw new CliError("Not a terminal: pass --yes to apply without asking.", EXIT.refused);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * `schema push`: applies the file through `PUT /api/collections/import` (one atomic batch on the server),
 * deleting collections missing from the file. Refuses to lose data without `allowDataLoss`.
 * @param {{ remote?: boolean, url?: string, file: string, yes?: boolean, allowDataLoss?: boolean }} options
 * @returns {Promise<import("../lib/diff.mjs").Change[]>} the applied changes
 */
export async function push(options) {
  const { client, desired, current, changes } = await planPush(options);
  process.stdout.write(`${formatDiff(changes)}\n`);
  if (changes.length === 0) return changes;
  if (totalAtRisk(changes) > 0 && !options.allowDataLoss) {
    throw new CliError(
      "Refusing to push: data would be lost. Re-run with --allow-data-loss to accept.",
      EXIT.refused,
    );
  }
  if (!options.yes && !(await confirm(`Apply ${changes.length} change(s) to ${client.url}?`))) {
    throw new CliError("Cancelled: nothing was changed.", EXIT.refused);
  }
  // A new view's query can only be checked once its tables exist: those views go in a second import.
  const names = new Set(current.map((c) => String(c.name).toLowerCase()));
  const ids = new Set(current.map((c) => c.id));
  const newViews = desired.filter(
    (c) => c.type === "view" && !ids.has(c.id) && !names.has(c.name.toLowerCase()),
  );
  if (newViews.length > 0) {
    progress("Applying tables first (new view collections need them)…");
    const first = desired.filter((c) => !newViews.includes(c));
    await client.request(
      "PUT",
      "/api/collections/import",
      { collections: first, deleteMissing: false },
      ifMatch(client),
    );
  }
  progress(newViews.length > 0 ? "Applying the rest…" : "Applying (one atomic schema change)…");
  // If-Match: the version the diff was computed from (then the first import's); a newer schema is a 412.
  await client.request(
    "PUT",
    "/api/collections/import",
    { collections: desired, deleteMissing: true },
    ifMatch(client),
  );
  progress(`Applied ${changes.length} change(s).`);
  return changes;
}

/** @param {ApiClient} client */
function ifMatch(client) {
  if (!client.schemaEtag) throw new CliError("The server sent no schema version; is it an Edgebase server?");
  return { "if-match": client.schemaEtag };
}
