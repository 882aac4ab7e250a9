#!/usr/bin/env node
/** The `edgebase` CLI: schema as code (pull, diff, push), typegen, superusers, backups and the PocketBase import. Runs on Node, never in the Worker. */
import { Command, Option } from "commander";
import { diff, pull, push } from "./commands/schema.mjs";
import { createSuperuser, deleteSuperuser, updateSuperuser } from "./commands/superuser.mjs";
import { typegen } from "./commands/typegen.mjs";
import { CliError, EXIT } from "./lib/errors.mjs";
import { SCHEMA_FILE } from "./lib/schema-file.mjs";

const REMOTE_HELP =
  "talk to the deployed Worker at EDGEBASE_URL, as a superuser (EDGEBASE_TOKEN, or EDGEBASE_EMAIL and EDGEBASE_PASSWORD)";
const LOCAL_NOTE = `
Without --remote, commands talk to the \`npm run dev\` server (EDGEBASE_URL, default http://127.0.0.1:8787) as the
superuser in .dev.vars (EDGEBASE_EMAIL/EDGEBASE_PASSWORD or EDGEBASE_TOKEN override it).
Exit codes: 0 ok, 1 the server refused or failed, 2 bad input, 3 server unreachable, 4 bad credentials,
5 stopped (data loss without --allow-data-loss, or not confirmed).`;

const program = new Command("edgebase")
  .description("Edgebase command line: the schema as code, typed clients and superusers.")
  .showHelpAfterError()
  .addHelpText("after", LOCAL_NOTE);

const remote = () => new Option("--remote", REMOTE_HELP);
const file = () => new Option("-f, --file <path>", "the schema file").default(SCHEMA_FILE);

const schema = program.command("schema").description("pull, compare and apply the collections as code");
schema
  .command("pull")
  .description(`write the server's collections to ${SCHEMA_FILE} (sorted, stable, no secrets)`)
  .addOption(remote())
  .addOption(file())
  .action(pull);
schema
  .command("diff")
  .description(
    "print what `schema push` would change: collections, fields, renames, rules, indexes, data at risk",
  )
  .addOption(remote())
  .addOption(file())
  .action(diff);
schema
  .command("push")
  .description(
    "apply the schema file in one atomic change (collections missing from the file are deleted), after showing the diff",
  )
  .addOption(remote())
  .addOption(file())
  .option("-y, --yes", "apply without asking")
  .option("--allow-data-loss", "accept dropping collections or fields that hold data")
  .action(async (options) => {
    await push(options);
  });

program
  .command("typegen")
  .description("write TypeScript types, zod schemas and a TypedPocketBase for every collection")
  .addOption(remote())
  .option("-s, --schema <file>", "read collections from a schema file instead of a server (no server needed)")
  .option("-o, --out <file>", "output file, or - for stdout", "edgebase-types.ts")
  .option(
    "-g, --graphql <file>",
    "also write the GraphQL SDL (schema.graphql) a superuser sees, read from the server",
  )
  .action(typegen);

const superuser = program
  .command("superuser")
  .description("create, update or delete a superuser directly in D1 (through wrangler; no server needed)");
const d1Options = (/** @type {Command} */ command) =>
  command
    .option("--remote", "the deployed D1 database (default: the local one)")
    .option("--local", "the local D1 database (the default)")
    .option("--persist-to <dir>", "local state directory, as given to `npm run dev -- --persist-to`");
d1Options(
  superuser
    .command("create")
    .description("create a superuser, or set a new password of an existing one")
    .argument("<email>")
    .argument("<password>", "8 to 256 characters"),
).action(createSuperuser);
d1Options(
  superuser
    .command("update")
    .description("set a new password (earlier tokens stop working)")
    .argument("<email>")
    .argument("<password>", "8 to 256 characters"),
).action(updateSuperuser);
d1Options(superuser.command("delete").description("delete a superuser").argument("<email>")).action(
  deleteSuperuser,
);

const backup = program
  .command("backup")
  .description("list, make, download and restore backups; bring a deployed instance's backup into local dev");
backup
  .command("list")
  .description("list the backups, newest first")
  .addOption(remote())
  .action(async (options) => {
    const { list } = await import("./commands/backup.mjs");
    await list(options);
  });
backup
  .command("create")
  .description("make a backup now (default name pb_backup_<UTC time>.zip)")
  .argument("[name]", "lower-case letters, digits, _ or -, ending in .zip")
  .addOption(remote())
  .action(async (name, options) => {
    const { create } = await import("./commands/backup.mjs");
    await create(name, options);
  });
backup
  .command("download")
  .description("save a backup to a file, with progress (default: the newest)")
  .argument("[key]")
  .addOption(remote())
  .option("-o, --out <file>", "where to save it (default: the backup's name)")
  .action(async (key, options) => {
    const { download } = await import("./commands/backup.mjs");
    await download(key, options);
  });
backup
  .command("restore")
  .description("upload a backup file and restore it: replaces all data (default: local dev)")
  .argument("<file>")
  .addOption(remote())
  .option("-y, --yes", "confirm a --remote restore")
  .action(async (file, options) => {
    const { restore } = await import("./commands/backup.mjs");
    await restore(file, options);
  });
backup
  .command("pull")
  .description(
    "download a deployed instance's backup (EDGEBASE_URL; default: the newest) and restore it into local dev",
  )
  .argument("[key]")
  .option("-o, --out <file>", "where to keep the downloaded file (default: the backup's name)")
  .option("--local-url <url>", "the local dev server", "http://127.0.0.1:8787")
  .action(async (key, options) => {
    const { pull } = await import("./commands/backup.mjs");
    await pull(key, options);
  });

const importer = program.command("import").description("bring an existing app's data into Edgebase");
importer
  .command("pocketbase")
  .description(
    "import a PocketBase pb_data directory (collections, records with ids, users with passwords, superusers) through the API; dry run unless --yes",
  )
  .argument("<pb_data>", "the PocketBase data directory (holds data.db)")
  .addOption(remote())
  .option("-y, --yes", "apply (without it, only print what would be done)")
  .action(async (dir, options) => {
    // Loaded on use: it pulls in node:sqlite, which other commands do not need.
    const { importPocketBase } = await import("./commands/import-pocketbase.mjs");
    await importPocketBase(dir, options);
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CliError) {
    process.stderr.write(`edgebase: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`edgebase: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(EXIT.failed);
}
