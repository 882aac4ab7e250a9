/**
 * `edgebase import pocketbase <pb_data> [--remote] [--yes]`: moves a PocketBase app (collections, records with
 * their ids, users with their bcrypt passwords, superusers) into Edgebase through its API, as a superuser.
 * Dry run by default; re-runnable (records are upserted by id: identical ones are left alone).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ApiClient } from "../lib/client.mjs";
import { CliError, EXIT } from "../lib/errors.mjs";
import {
  convertCollection,
  convertRecord,
  INSTALLER_EMAIL,
  SYSTEM_COLLECTIONS,
} from "../lib/pocketbase/mapping.mjs";
import { resolveTarget } from "../lib/target.mjs";

/** Records per import call (the server's MAX_IMPORT_RECORDS). */
const CHUNK = 100;

const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

/**
 * Files under `pb_data/storage/<collectionId>/<recordId>/` (thumbnails excluded), per collection id.
 * @param {string} dir
 * @returns {Map<string, number>}
 */
function storageFiles(dir) {
  const root = join(dir, "storage");
  /** @type {Map<string, number>} */
  const counts = new Map();
  if (!existsSync(root)) return counts;
  for (const collection of readdirSync(root)) {
    const cdir = join(root, collection);
    if (!statSync(cdir).isDirectory()) continue;
    let n = 0;
    for (const record of readdirSync(cdir)) {
      const rdir = join(cdir, record);
      if (!statSync(rdir).isDirectory()) continue;
      n += readdirSync(rdir).filter((f) => statSync(join(rdir, f)).isFile()).length;
    }
    counts.set(collection, n);
  }
  return counts;
}

/**
 * The import.
 * @param {string} dir the pb_data directory
 * @param {{ remote?: boolean, yes?: boolean }} options
 */
export async function importPocketBase(dir, options) {
  // node:sqlite prints an ExperimentalWarning on load in Node 22; it is not the user's concern.
  process.removeAllListeners("warning");
  const { openPocketBase } = await import("../lib/pocketbase/read-data-db.mjs");
  const pb = openPocketBase(dir);
  try {
    const collections = pb.collections();
    const target = resolveTarget(options);
    const client = new ApiClient(target);
    const existing = new Set((await client.collections()).flatMap((c) => [String(c.id), String(c.name)]));
    say(`PocketBase data: ${join(dir, "data.db")} → Edgebase at ${target.url} (${target.where})`);

    /** @type {{ pb: import("../lib/pocketbase/read-data-db.mjs").PbCollection, into: string, count: number }[]} */
    const copies = [];
    /** @type {Record<string, unknown>[]} */
    const definitions = [];
    for (const c of collections) {
      const system = /** @type {{ action: string, into?: string, reason?: string } | undefined} */ (
        SYSTEM_COLLECTIONS[/** @type {keyof typeof SYSTEM_COLLECTIONS} */ (c.name)]
      );
      const count = c.type === "view" ? 0 : pb.count(c.name);
      if (system) {
        if (system.action === "records" && system.into) {
          copies.push({ pb: c, into: system.into, count });
          say(`  ${c.name}: ${count} record(s) into Edgebase's ${system.into}`);
        } else say(`  ${c.name}: ${count} record(s) left behind (${system.reason})`);
        continue;
      }
      const { collection, notes } = convertCollection(c);
      definitions.push(collection);
      const verb = existing.has(c.id) || existing.has(c.name) ? "update" : "create";
      say(`  ${c.name} (${c.type}): ${verb} collection${c.type === "view" ? "" : `, ${count} record(s)`}`);
      for (const note of notes) say(`    not imported: ${note}`);
      if (c.type !== "view") copies.push({ pb: c, into: c.name, count });
    }
    const files = storageFiles(dir);
    const fileCount = [...files.values()].reduce((a, b) => a + b, 0);
    if (fileCount > 0) say(`  storage: ${fileCount} file(s) left behind (file storage lands with issue 14)`);

    if (!options.yes) {
      say("Dry run: nothing was changed. Run again with --yes to apply.");
      return;
    }
    say(`Importing ${definitions.length} collection(s)…`);
    // Views second: a view query is checked against the tables, which the first call creates.
    const tables = definitions.filter((d) => d.type !== "view");
    const views = definitions.filter((d) => d.type === "view");
    for (const collections of [tables, views]) {
      if (collections.length === 0) continue;
      await client.request("PUT", "/api/collections/import", { collections, deleteMissing: false });
    }
    const total = { created: 0, updated: 0, unchanged: 0 };
    for (const copy of copies) {
      let done = 0;
      for (const rows of pb.pages(copy.pb.name, CHUNK)) {
        const records = rows
          .filter((row) => !(copy.pb.name === "_superusers" && row.email === INSTALLER_EMAIL))
          .map((row) => convertRecord(copy.pb, row));
        if (records.length > 0) {
          const path = `/api/collections/${encodeURIComponent(copy.into)}/records/import`;
          const result = await client.request("POST", path, { records });
          for (const key of /** @type {const} */ (["created", "updated", "unchanged"]))
            total[key] += result[key];
        }
        done += rows.length;
        say(`  ${copy.pb.name}: ${done}/${copy.count}`);
      }
    }
    say(`Done: ${total.created} created, ${total.updated} updated, ${total.unchanged} unchanged.`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Import failed: ${error instanceof Error ? error.message : error}`, EXIT.failed);
  } finally {
    pb.close();
  }
}
