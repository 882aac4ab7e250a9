/** `edgebase typegen`: TypeScript types and zod schemas from the server's collections or a schema file. */
import { writeFileSync } from "node:fs";
import { ApiClient } from "../lib/client.mjs";
import { CliError, EXIT } from "../lib/errors.mjs";
import { readSchemaFile } from "../lib/schema-file.mjs";
import { resolveTarget } from "../lib/target.mjs";
import { generateTypes } from "../lib/typegen.mjs";

/**
 * Writes the types to `out` (`-` for stdout); with `graphql`, also the GraphQL SDL a superuser sees.
 * @param {{ remote?: boolean, schema?: string, out: string, graphql?: string }} options
 */
export async function typegen(options) {
  if (options.graphql && options.schema) {
    // The SDL is built by the Worker's graphql-js from the live schema: a schema file alone cannot give it.
    throw new CliError(
      "--graphql reads the SDL from a server; it cannot be combined with --schema.",
      EXIT.input,
    );
  }
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
  if (options.graphql) {
    const client = new ApiClient(resolveTarget(options));
    const sdl = await client.text("/api/graphql/schema.graphql");
    writeFileSync(options.graphql, sdl);
    process.stderr.write(`Wrote the GraphQL SDL to ${options.graphql}.\n`);
  }
  const text = generateTypes(collections, source);
  if (options.out === "-") process.stdout.write(text);
  else {
    writeFileSync(options.out, text);
    process.stderr.write(`Wrote types of ${collections.length} collection(s) to ${options.out}.\n`);
  }
}
