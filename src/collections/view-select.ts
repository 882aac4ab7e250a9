/**
 * Reads the result columns and source tables of a view query the way PocketBase's `identifiersParser` does:
 * a heuristic over the top-level SELECT list and FROM/JOIN clauses, good enough to trace a column back to the
 * collection field it comes from. Anything it cannot read is simply not traced (the column becomes json).
 */

/** One `expression [AS] alias` of a SELECT list or FROM/JOIN clause. */
export interface SelectIdentifier {
  /** The expression (quotes stripped from plain names: `p.title`, `count(*)`). */
  original: string;
  /** The name it is known by (the last segment of a plain name when there is no alias). */
  alias: string;
}

/** What a view query selects from where. */
export interface ViewSelect {
  columns: SelectIdentifier[];
  /** FROM tables first (the first is the main one), then JOINed ones. */
  tables: SelectIdentifier[];
}

const JOIN =
  /\s+(full\s+outer\s+join|left\s+outer\s+join|right\s+outer\s+join|natural\s+join|full\s+join|cross\s+join|inner\s+join|outer\s+join|left\s+join|right\s+join|join)\s+/gi;
const DISCARD = /\s+(where|group\s+by|having|order\s+by|order|limit|window|union|except|intersect)\s+/gi;
const CLOSERS: Record<string, string> = { "(": ")", '"': '"', "`": "`", "'": "'", "[": "]" };

/** Splits at top level (outside brackets and quotes) into tokens: whitespace dropped, commas kept. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let current = "";
  const stack: string[] = [];
  const flush = () => {
    if (current !== "") out.push(current);
    current = "";
  };
  for (const ch of text) {
    const open = stack.at(-1);
    if (open !== undefined) {
      current += ch;
      if (ch === CLOSERS[open]) stack.pop();
      else if (open === "(" && ch in CLOSERS) stack.push(ch);
      continue;
    }
    if (/\s/.test(ch)) flush();
    else if (ch === ",") {
      flush();
      out.push(",");
    } else {
      if (ch in CLOSERS) stack.push(ch);
      current += ch;
    }
  }
  flush();
  return out;
}

/** Strips the quoting of each dotted segment of a name. */
function unquote(name: string, extra = ""): string {
  const chars = `\`"[];${extra}`;
  return name
    .split(".")
    .map((part) => {
      let start = 0;
      let end = part.length;
      while (start < end && chars.includes(part[start] as string)) start++;
      while (end > start && chars.includes(part[end - 1] as string)) end--;
      return part.slice(start, end);
    })
    .join(".");
}

/** `expr`, `expr alias` or `expr AS alias`; undefined for anything longer (an arithmetic expression, …). */
function identifier(parts: string[]): SelectIdentifier | undefined {
  let original: string;
  let alias: string;
  if (parts.length === 3 && parts[1]?.toUpperCase() === "AS")
    [original, , alias] = parts as [string, string, string];
  else if (parts.length === 2) [original, alias] = parts as [string, string];
  else if (parts.length === 1) {
    original = parts[0] as string;
    alias = original.split(".").at(-1) as string;
  } else return undefined;
  return { original: unquote(original), alias: unquote(alias, "'") };
}

function identifiers(list: string[]): SelectIdentifier[] {
  const out: SelectIdentifier[] = [];
  let group: string[] = [];
  for (const token of [...list, ","]) {
    if (token !== ",") {
      group.push(token);
      continue;
    }
    const id = group.length > 0 ? identifier(group) : undefined;
    if (id) out.push(id);
    group = [];
  }
  return out;
}

/** Parses the top-level SELECT list and FROM/JOIN tables of `query`. */
export function parseViewSelect(query: string): ViewSelect {
  const text = ` ${query.trim().replace(/;\s*$/, "")} `
    .replace(JOIN, " __join__ ")
    .replace(DISCARD, " __discard__ ");
  const parts: Record<"select" | "from" | "join", string[]> = { select: [], from: [], join: [] };
  let active: string[] | undefined;
  let skip = false;
  for (const token of tokens(text)) {
    const word = token.toLowerCase();
    // DISTINCT and ALL say nothing about where columns come from.
    if (word === "distinct" || word === "all") continue;
    if (word === "select") {
      // A compound query's later SELECTs are discarded with what follows UNION/EXCEPT/INTERSECT.
      if (parts.select.length > 0) break;
      [active, skip] = [parts.select, false];
    } else if (word === "from") [active, skip] = [parts.from, false];
    else if (word === "__join__") {
      if (parts.join.length > 0) parts.join.push(",");
      [active, skip] = [parts.join, false];
    } else if (word === "__discard__") skip = true;
    else if (active === parts.join && (word === "on" || word === "using")) skip = true;
    else if (!skip) active?.push(token);
  }
  const tables = [...identifiers(parts.from), ...identifiers(parts.join)]
    .filter((t) => !t.original.startsWith("("))
    .map((t) => ({ ...t, original: t.original.split(".").at(-1) as string }));
  return { columns: identifiers(parts.select), tables };
}
