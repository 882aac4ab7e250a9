/** Parses a client's `CREATE INDEX` statement and rebuilds it from its parts (client SQL never runs verbatim). */
import { quoteIdent, quoteString } from "../db/sql";

/** One indexed column, or a function of one (`lower(email)`, `json_extract(meta, '$.a')`). */
export interface IndexColumn {
  name: string;
  /** The function applied to the column, from {@link INDEX_FUNCTIONS}. */
  fn?: string;
  /** `json_extract`'s path. */
  path?: string;
  collate?: "BINARY" | "NOCASE" | "RTRIM";
  order?: "ASC" | "DESC";
}

/** A parsed index definition. */
export interface ParsedIndex {
  name: string;
  unique: boolean;
  table: string;
  columns: IndexColumn[];
  /** The rebuilt partial-index condition, if any. */
  where?: string;
}

/** An index statement that is not in the accepted subset; the message is safe to show. */
export class IndexSyntaxError extends Error {
  override name = "IndexSyntaxError";
}

type Token = { kind: "ident" | "word" | "string" | "number" | "punct"; text: string };

const TOKEN =
  /\s+|(?<word>[A-Za-z_][A-Za-z0-9_]*)|"(?<dq>(?:[^"]|"")*)"|`(?<bq>(?:[^`]|``)*)`|\[(?<sq>[^\]]*)\]|'(?<str>(?:[^']|'')*)'|(?<num>-?\d+(?:\.\d+)?)|(?<punct><=|>=|!=|<>|==|[(),;=<>])/y;

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < sql.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(sql);
    if (!m || TOKEN.lastIndex === start) throw new IndexSyntaxError(`Unexpected character at ${start}.`);
    const g = m.groups ?? {};
    if (g.word !== undefined) tokens.push({ kind: "word", text: g.word });
    else if (g.dq !== undefined) tokens.push({ kind: "ident", text: g.dq.replaceAll('""', '"') });
    else if (g.bq !== undefined) tokens.push({ kind: "ident", text: g.bq.replaceAll("``", "`") });
    else if (g.sq !== undefined) tokens.push({ kind: "ident", text: g.sq });
    else if (g.str !== undefined) tokens.push({ kind: "string", text: g.str.replaceAll("''", "'") });
    else if (g.num !== undefined) tokens.push({ kind: "number", text: g.num });
    else if (g.punct !== undefined) tokens.push({ kind: "punct", text: g.punct });
  }
  return tokens;
}

/** A cursor over tokens with keyword helpers. */
class Cursor {
  #i = 0;
  constructor(readonly tokens: Token[]) {}
  peek(): Token | undefined {
    return this.tokens[this.#i];
  }
  next(): Token | undefined {
    return this.tokens[this.#i++];
  }
  isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.text.toUpperCase() === word;
  }
  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.#i++;
    return true;
  }
  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw new IndexSyntaxError(`Expected ${word}.`);
  }
  acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t?.kind !== "punct" || t.text !== p) return false;
    this.#i++;
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw new IndexSyntaxError(`Expected "${p}".`);
  }
  name(what: string): string {
    const t = this.next();
    if (t?.kind !== "word" && t?.kind !== "ident") throw new IndexSyntaxError(`Expected ${what}.`);
    return t.text;
  }
  done(): boolean {
    return this.#i >= this.tokens.length;
  }
}

/** Resolves a column name against the table's columns (case-insensitive) and returns its canonical name. */
export type ColumnResolver = (name: string) => string | undefined;

const COLLATIONS = new Set(["BINARY", "NOCASE", "RTRIM"]);
/**
 * Functions an index expression may apply to one column: deterministic ones SQLite and D1 accept in indexes.
 * `json_extract` takes a path literal too.
 */
export const INDEX_FUNCTIONS = new Set([
  "lower",
  "upper",
  "trim",
  "ltrim",
  "rtrim",
  "length",
  "abs",
  "json_extract",
]);
const JSON_PATH = /^\$(?:\.[A-Za-z0-9_]{1,100}|\[\d{1,6}\]){0,10}$/;
const COMPARISONS = new Set(["=", "==", "!=", "<>", "<", "<=", ">", ">="]);
const MAX_WHERE_TERMS = 20;

/**
 * Parses `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (col [COLLATE c] [ASC|DESC], …) [WHERE …]`, where a
 * col may be a function of a column (see {@link INDEX_FUNCTIONS}).
 */
export function parseIndex(sql: string, column: ColumnResolver): ParsedIndex {
  const c = new Cursor(tokenize(sql));
  c.expectWord("CREATE");
  const unique = c.acceptWord("UNIQUE");
  c.expectWord("INDEX");
  if (c.acceptWord("IF")) {
    c.expectWord("NOT");
    c.expectWord("EXISTS");
  }
  const name = c.name("an index name");
  if (!/^\w{1,100}$/.test(name)) throw new IndexSyntaxError("Invalid index name.");
  c.expectWord("ON");
  const table = c.name("a table name");
  c.expectPunct("(");
  const columns: IndexColumn[] = [];
  do {
    const col = indexedColumn(c, column);
    if (c.acceptWord("COLLATE")) {
      const collation = c.name("a collation").toUpperCase();
      if (!COLLATIONS.has(collation)) throw new IndexSyntaxError(`Unknown collation "${collation}".`);
      col.collate = collation as IndexColumn["collate"];
    }
    if (c.acceptWord("ASC")) col.order = "ASC";
    else if (c.acceptWord("DESC")) col.order = "DESC";
    columns.push(col);
  } while (c.acceptPunct(","));
  c.expectPunct(")");
  const parsed: ParsedIndex = { name, unique, table, columns };
  if (c.acceptWord("WHERE")) {
    const terms = { count: 0 };
    parsed.where = parseOr(c, column, terms);
  }
  c.acceptPunct(";");
  if (!c.done()) throw new IndexSyntaxError("Unexpected text after the index definition.");
  return parsed;
}

/** `name` or `fn(name[, 'path'])`, resolved against the table's columns. */
function indexedColumn(c: Cursor, column: ColumnResolver): IndexColumn {
  const raw = c.name("a column name");
  if (!c.acceptPunct("(")) {
    const resolved = column(raw);
    if (resolved === undefined) throw new IndexSyntaxError(`Unknown column "${raw}".`);
    return { name: resolved };
  }
  const fn = raw.toLowerCase();
  if (!INDEX_FUNCTIONS.has(fn)) {
    throw new IndexSyntaxError(`Index expressions may use ${[...INDEX_FUNCTIONS].join(", ")}, not "${raw}".`);
  }
  const inner = c.name("a column name");
  const name = column(inner);
  if (name === undefined) throw new IndexSyntaxError(`Unknown column "${inner}".`);
  const col: IndexColumn = { name, fn };
  if (fn === "json_extract") {
    c.expectPunct(",");
    const path = c.next();
    if (path?.kind !== "string" || !JSON_PATH.test(path.text)) {
      throw new IndexSyntaxError("json_extract needs a path such as '$.a.b' or '$.list[0]'.");
    }
    col.path = path.text;
  }
  c.expectPunct(")");
  return col;
}

function parseOr(c: Cursor, column: ColumnResolver, terms: { count: number }): string {
  let out = parseAnd(c, column, terms);
  while (c.acceptWord("OR")) out += ` OR ${parseAnd(c, column, terms)}`;
  return out;
}

function parseAnd(c: Cursor, column: ColumnResolver, terms: { count: number }): string {
  let out = parseTerm(c, column, terms);
  while (c.acceptWord("AND")) out += ` AND ${parseTerm(c, column, terms)}`;
  return out;
}

function parseTerm(c: Cursor, column: ColumnResolver, terms: { count: number }): string {
  if (++terms.count > MAX_WHERE_TERMS) throw new IndexSyntaxError("The index condition is too long.");
  if (c.acceptWord("NOT")) return `NOT ${parseTerm(c, column, terms)}`;
  if (c.acceptPunct("(")) {
    const inner = parseOr(c, column, terms);
    c.expectPunct(")");
    return `(${inner})`;
  }
  const left = operand(c, column);
  if (c.acceptWord("IS")) {
    const not = c.acceptWord("NOT");
    c.expectWord("NULL");
    return `${left} IS ${not ? "NOT " : ""}NULL`;
  }
  const op = c.next();
  if (op?.kind !== "punct" || !COMPARISONS.has(op.text)) throw new IndexSyntaxError("Expected a comparison.");
  return `${left} ${op.text} ${operand(c, column)}`;
}

function operand(c: Cursor, column: ColumnResolver): string {
  const t = c.next();
  if (!t) throw new IndexSyntaxError("Unexpected end of the index condition.");
  if (t.kind === "string") return quoteString(t.text);
  if (t.kind === "number") return t.text;
  if (t.kind === "word" && ["NULL", "TRUE", "FALSE"].includes(t.text.toUpperCase()))
    return t.text.toUpperCase();
  if (t.kind === "word" || t.kind === "ident") {
    const resolved = column(t.text);
    if (resolved === undefined) throw new IndexSyntaxError(`Unknown column "${t.text}".`);
    return quoteIdent(resolved);
  }
  throw new IndexSyntaxError(`Unexpected "${t.text}" in the index condition.`);
}

/** Builds the canonical SQL of a parsed index for `table`. */
export function buildIndexSql(index: ParsedIndex, table: string = index.table): string {
  const cols = index.columns
    .map((col) =>
      [indexedSql(col), col.collate && `COLLATE ${col.collate}`, col.order].filter(Boolean).join(" "),
    )
    .join(", ");
  const where = index.where ? ` WHERE ${index.where}` : "";
  return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(index.name)} ON ${quoteIdent(table)} (${cols})${where}`;
}

/** The SQL of one indexed column or expression. */
function indexedSql(col: IndexColumn): string {
  if (!col.fn) return quoteIdent(col.name);
  const path = col.path === undefined ? "" : `, ${quoteString(col.path)}`;
  return `${col.fn}(${quoteIdent(col.name)}${path})`;
}
