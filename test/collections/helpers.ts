/** Shared setup for collection tests: deps over the test file's D1 and a fresh store. */
import { env } from "cloudflare:workers";
import type { CollectionDeps } from "../../src/collections";
import { CollectionStore } from "../../src/collections";
import { ApiError } from "../../src/lib/errors";

/** Deps for capabilities, with a store of their own. */
export function deps(): CollectionDeps {
  return { db: env.DB, store: new CollectionStore() };
}

/** Runs `fn`, expects an ApiError, and returns it. */
export async function apiError(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected an ApiError");
}

/** Column names of a table, in order. */
export async function columnsOf(table: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid")
    .bind(table)
    .all<{ name: string }>();
  return results.map((r) => r.name);
}

/** Every row of a table, ordered by id. */
export async function rowsOf(table: string): Promise<Record<string, unknown>[]> {
  const { results } = await env.DB.prepare(`SELECT * FROM \`${table}\` ORDER BY id`).all<
    Record<string, unknown>
  >();
  return results;
}
