/** `edgebase.schema.json`: the collections as code, in a canonical form (sorted, stable, no secrets). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { CliError, EXIT } from "./errors.mjs";

/** The default schema file, in the project root. */
export const SCHEMA_FILE = "edgebase.schema.json";

/** Keys that change on every save or identify a moment, not a definition. */
const VOLATILE = new Set(["created", "updated"]);
/** Keys that must never be written to a file (the API does not return them; this is a second fence). */
const SECRETS = new Set(["tokenSecret", "tokenKey", "secret", "password"]);

/** Collection keys first in this order, then the rest alphabetically. */
const COLLECTION_ORDER = ["id", "name", "type", "system", "fields", "indexes"];
/** Field keys first in this order, then the rest alphabetically. */
const FIELD_ORDER = ["id", "name", "type", "system", "required", "hidden", "presentable"];

/**
 * An object with keys in `order` first, then the others sorted.
 * @param {Record<string, unknown>} value
 * @param {string[]} order
 */
function ordered(value, order) {
  const keys = Object.keys(value).sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(keys.map((k) => [k, value[k]]));
}

/**
 * One collection in canonical form: no timestamps or secrets, keys ordered, field order kept (it is meaningful).
 * @param {Record<string, any>} collection
 */
export function canonicalCollection(collection) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, value] of Object.entries(collection)) {
    if (VOLATILE.has(key) || SECRETS.has(key)) continue;
    out[key] = key === "fields" && Array.isArray(value) ? value.map((f) => ordered(f, FIELD_ORDER)) : value;
  }
  return ordered(out, COLLECTION_ORDER);
}

/**
 * The collections sorted by name, each canonical.
 * @param {Record<string, any>[]} collections
 */
export function canonicalSchema(collections) {
  return collections
    .map(canonicalCollection)
    .sort((a, b) => (String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0));
}

/**
 * The file's text for a schema: pretty JSON with a final newline (diffs well).
 * @param {Record<string, any>[]} collections
 */
export function schemaText(collections) {
  return `${JSON.stringify(canonicalSchema(collections), null, 2)}\n`;
}

/**
 * Writes the schema file.
 * @param {string} path
 * @param {Record<string, any>[]} collections
 */
export function writeSchemaFile(path, collections) {
  writeFileSync(path, schemaText(collections));
}

/**
 * Reads a schema file: a JSON array of collections (PocketBase's export shape) or `{collections: [...]}`.
 * @param {string} path
 * @returns {Record<string, any>[]}
 */
export function readSchemaFile(path) {
  if (!existsSync(path)) {
    throw new CliError(`${path} not found. Create it with \`edgebase schema pull\`.`, EXIT.input);
  }
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(
      `${path} is not valid JSON: ${error instanceof Error ? error.message : error}`,
      EXIT.input,
    );
  }
  const list = Array.isArray(parsed) ? parsed : /** @type {any} */ (parsed)?.collections;
  if (
    !Array.isArray(list) ||
    list.some((c) => typeof c !== "object" || c === null || typeof c.name !== "string")
  ) {
    throw new CliError(`${path} must hold an array of collections, each with a "name".`, EXIT.input);
  }
  return list;
}
