/**
 * `edgebase import pocketbase <pb_data> [--remote] [--yes]`: moves a PocketBase app (collections, records with
 * their ids, users with their bcrypt passwords, superusers, OAuth2 links, stored files) into Edgebase through
 * its API, as a superuser. Dry run by default; re-runnable (records are upserted by id and files stored by
 * name: identical ones are left alone).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ApiClient } from "../lib/client.mjs";
import { CliError, EXIT } from "../lib/errors.mjs";
import {
  contentTypeOf,
  convertCollection,
  convertRecord,
  fileNames,
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
    /** @type {{ name: string }[]} */
    const implemented = await client.request("GET", "/api/collections/meta/oauth2-providers");
    const providers = new Set(implemented.map((p) => p.name));
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
      const { collection, notes } = convertCollection(c, providers);
      definitions.push(collection);
      const verb = existing.has(c.id) || existing.has(c.name) ? "update" : "create";
      say(`  ${c.name} (${c.type}): ${verb} collection${c.type === "view" ? "" : `, ${count} record(s)`}`);
      for (const note of notes) say(`    not imported: ${note}`);
      if (c.type !== "view") copies.push({ pb: c, into: c.name, count });
    }
    const files = storageFiles(dir);
    const fileCount = [...files.values()].reduce((a, b) => a + b, 0);
    if (fileCount > 0) say(`  storage: ${fileCount} file(s) into the FILES bucket (the ones records name)`);

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
    // A PocketBase collection id → the id it has here (an existing collection matched by name keeps its own).
    /** @type {Map<string, string>} */
    const liveIds = new Map();
    for (const c of await client.collections()) liveIds.set(String(c.name), String(c.id));
    /** @type {Map<string, string>} */
    const collectionIds = new Map();
    for (const c of collections) collectionIds.set(c.id, liveIds.get(c.name) ?? c.id);
    const total = { created: 0, updated: 0, unchanged: 0 };
    const stored = { stored: 0, unchanged: 0, missing: 0 };
    for (const copy of copies) {
      let done = 0;
      const fileFields = copy.pb.fields.filter((f) => f.type === "file");
      for (const rows of pb.pages(copy.pb.name, CHUNK)) {
        const kept = rows.filter((row) => !(copy.pb.name === "_superusers" && row.email === INSTALLER_EMAIL));
        const records = kept.map((row) => convertRecord(copy.pb, row, collectionIds));
        const base = `/api/collections/${encodeURIComponent(copy.into)}/records`;
        if (records.length > 0) {
          const result = await client.request("POST", `${base}/import`, { records });
          for (const key of /** @type {const} */ (["created", "updated", "unchanged"]))
            total[key] += result[key];
        }
        // Files after their records: the server stores only names a record already holds.
        for (const row of fileFields.length > 0 ? kept : []) {
          for (const name of fileFields.flatMap((f) => fileNames(f, row[f.name]))) {
            const path = join(dir, "storage", copy.pb.id, String(row.id), name);
            if (!existsSync(path)) {
              stored.missing++;
              say(`    missing in storage: ${copy.pb.id}/${row.id}/${name}`);
              continue;
            }
            const type = contentTypeOf(name);
            const result = await client.request(
              "PUT",
              `${base}/${encodeURIComponent(String(row.id))}/files/${encodeURIComponent(name)}`,
              new Uint8Array(readFileSync(path)),
              type ? { "content-type": type } : {},
            );
            stored[result.stored ? "stored" : "unchanged"]++;
          }
        }
        done += rows.length;
        say(`  ${copy.pb.name}: ${done}/${copy.count}`);
      }
    }
    say(`Files: ${stored.stored} stored, ${stored.unchanged} unchanged, ${stored.missing} missing.`);
    say(`Done: ${total.created} created, ${total.updated} updated, ${total.unchanged} unchanged.`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Import failed: ${error instanceof Error ? error.message : error}`, EXIT.failed);
  } finally {
    pb.close();
  }
}
