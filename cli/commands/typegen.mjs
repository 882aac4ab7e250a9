/** `edgebase typegen`: TypeScript types and zod schemas from the server's collections or a schema file. */
import { writeFileSync } from "node:fs";
import { ApiClient } from "../lib/client.mjs";
import { readSchemaFile } from "../lib/schema-file.mjs";
import { resolveTarget } from "../lib/target.mjs";
import { generateTypes } from "../lib/typegen.mjs";

/**
 * Writes the types to `out` (`-` for stdout).
 * @param {{ remote?: boolean, schema?: string, out: string }} options
 */
export async function typegen(options) {
  let collections;
  let source;
  if (options.schema) {
    collections = readSchemaFile(options.schema);
    source = options.schema;
  } else {
    const target = resolveTarget(options);
    process.stderr.write(`Reading collections from ${target.url} (${target.where})…\n`);
    collections = await new ApiClient(target).collections();
    source = target.where === "local" ? "the local server" : target.url;
  }
  const text = generateTypes(collections, source);
  if (options.out === "-") process.stdout.write(text);
  else {
    writeFileSync(options.out, text);
    process.stderr.write(`Wrote types of ${collections.length} collection(s) to ${options.out}.\n`);
  }
}
