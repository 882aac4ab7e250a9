/** Schemas cached per schema snapshot (one per schema version per isolate) and caller class. */
import type { GraphQLSchema } from "graphql";
import type { SchemaSnapshot } from "../collections/store";
import { buildGraphqlSchema } from "./schema";

/**
 * Who the schema is for. Guests and users share one: what a schema shows depends only on rules being locked
 * (superuser-only) and fields being hidden, which is the same for both; rules that are set run per request.
 */
export type CallerClass = "public" | "superuser";

// The collection store keeps one snapshot object per schema version, so a WeakMap on it is a cache keyed by
// version that lets old versions' schemas go with their snapshots.
const cache = new WeakMap<SchemaSnapshot, Map<CallerClass, GraphQLSchema>>();

/** The schema of `snapshot` for the caller class, built on first use. */
export function schemaFor(snapshot: SchemaSnapshot, caller: CallerClass): GraphQLSchema {
  let schemas = cache.get(snapshot);
  if (!schemas) {
    schemas = new Map();
    cache.set(snapshot, schemas);
  }
  let schema = schemas.get(caller);
  if (!schema) {
    schema = buildGraphqlSchema(snapshot.collections, caller === "superuser");
    schemas.set(caller, schema);
  }
  return schema;
}
