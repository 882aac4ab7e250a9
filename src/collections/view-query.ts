/** Checks that a view query is a single SELECT over user tables only, and reads the columns it produces. */
import type { D1Like } from "../db/sql";

/**
 * True for a name a view query may not touch: `_`-prefixed tables (system collections and tables such as
 * `_collections`, `_superusers`, `_otps`, `_params`), SQLite's own (`sqlite_*`, `pragma_*` functions) and
 * D1's (`d1_*`, `_cf_*`). `_rowid_` is SQLite's rowid alias, not a table.
 */
function isSystemName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower === "_rowid_") return false;
  return lower.startsWith("_") || /^(sqlite_|pragma_|d1_)/.test(lower);
}

/**
 * Every identifier and string literal of `sql`, unquoted, in one linear pass. Literals are included because
 * SQLite accepts `FROM 'name'` as a table name.
 */
function namesIn(sql: string): string[] {
  const names: string[] = [];
  const closers: Record<string, string> = { '"': '"', "`": "`", "'": "'", "[": "]" };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const close = closers[ch];
    if (close) {
      let text = "";
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === close) {
          // A doubled quote is an escaped quote, except in [brackets].
          if (close !== "]" && sql[j + 1] === close) {
            text += close;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j];
        j++;
      }
      names.push(text);
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j] as string)) j++;
      names.push(sql.slice(i, j));
      i = j;
    } else if (/[0-9]/.test(ch)) {
      // Numbers (and their exponent or hex letters) are not names.
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_.]/.test(sql[j] as string)) j++;
      i = j;
    } else i++;
  }
  return names;
}

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
  const system = namesIn(trimmed).find(isSystemName);
  if (system !== undefined) {
    return `View queries cannot read system tables or use names starting with _, sqlite_, pragma_ or d1_ ("${system.slice(0, 40)}").`;
  }
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
