/** The GraphQL API's entry, loaded by http/routes/graphql.ts with a dynamic import on the first GraphQL request. */
import { printSchema } from "graphql";
import type { SchemaSnapshot } from "../collections/store";
import { type CallerClass, schemaFor } from "./schema-cache";

export type { AuthPayload, AuthPort, GraphqlContext } from "./context";
export { type GraphqlRequest, type GraphqlResponse, runGraphql } from "./execute";
export { EXPLORER_HTML } from "./explorer";
export type { CallerClass };
export { schemaFor };

/** The SDL of the caller's schema (`/api/graphql/schema.graphql`, and for the CLI's typegen). */
export function sdlFor(snapshot: SchemaSnapshot, caller: CallerClass): string {
  return printSchema(schemaFor(snapshot, caller));
}
