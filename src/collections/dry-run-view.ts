/** Capability: try a view query without saving it (PocketBase's `POST /api/collections/meta/dry-run-view`). */
import { z } from "zod";
import { parseInput } from "../lib/parse-input";
import type { CollectionDeps } from "./apply";
import { MAX_VIEW_QUERY_LENGTH } from "./collection";
import { ValidationErrors } from "./errors";
import { decodeValue, type Field } from "./fields";
import { loadSnapshot } from "./store";
import { prepareViewFields } from "./view-fields";
import { normalizeViewQuery } from "./view-query";

/** Rows in the sample, as PocketBase's dashboard asks for. */
export const DRY_RUN_SAMPLE_SIZE = 10;

/** Input of {@link dryRunView}. */
export const dryRunViewInput = z.object({ query: z.string().min(1).max(MAX_VIEW_QUERY_LENGTH) });

/** The fields a view with this query would have, and its first rows as records. */
export interface DryRunViewResult {
  fields: Field[];
  sample: Record<string, unknown>[];
}

/**
 * Infers the fields of `input.query` exactly as saving a view would, then reads a few rows. A query that
 * would not save, or whose sample has empty or repeated ids, is a 400 at `query`; nothing is written.
 */
export async function dryRunView(deps: CollectionDeps, input: unknown): Promise<DryRunViewResult> {
  const { query } = parseInput(dryRunViewInput, input, { root: "query" });
  const errors = new ValidationErrors();
  const snapshot = await loadSnapshot(deps.db);
  const fields = await prepareViewFields(deps.db, query, { others: snapshot.collections }, errors, "query");
  errors.throwIfAny();
  const { results } = await deps.db
    .prepare(`SELECT * FROM (${normalizeViewQuery(query)}) LIMIT ${DRY_RUN_SAMPLE_SIZE}`)
    .all<Record<string, unknown>>();
  const ids = new Set<unknown>();
  for (const row of results) {
    if (row.id === null || row.id === undefined || row.id === "") {
      errors.add("query", "validation_invalid_view_query", "The query can return records with an empty id.");
    } else if (ids.has(row.id)) {
      errors.add("query", "validation_invalid_view_query", "The query can return records with the same id.");
    }
    ids.add(row.id);
  }
  errors.throwIfAny();
  const sample = results.map((row) =>
    Object.fromEntries(fields.map((f) => [f.name, decodeValue(f, row[f.name])])),
  );
  return { fields, sample };
}
