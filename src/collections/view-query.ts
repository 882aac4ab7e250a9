/** Checks that a view query is a single SELECT, and reads the columns it produces. */
import type { D1Like } from "../db/sql";

/** Why a view query was rejected, or undefined when it is acceptable. */
export function checkViewQuery(query: string): string | undefined {
  const trimmed = query.trim();
  if (trimmed === "") return "The view query cannot be blank.";
  if (!/^(SELECT|WITH)\b/i.test(trimmed)) return "The view query must be a single SELECT statement.";
  // Remove literals and quoted identifiers, then look for statement separators and comments.
  const bare = trimmed.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]/g, "''");
  if (/--|\/\*/.test(bare)) return "Comments are not allowed in view queries.";
  const body = bare.replace(/;\s*$/, "");
  if (body.includes(";")) return "The view query must be a single SELECT statement.";
  return undefined;
}

/** The query without a trailing semicolon, as it is embedded in `CREATE VIEW … AS`. */
export function normalizeViewQuery(query: string): string {
  return query.trim().replace(/;\s*$/, "");
}

/** Runs the query with no rows to learn its column names; throws the database's error when it is invalid. */
export async function viewColumns(db: D1Like, query: string): Promise<string[]> {
  const [columns] = await db.prepare(`SELECT * FROM (${query}) LIMIT 0`).raw({ columnNames: true });
  return columns ?? [];
}
