/** What every D1 reader takes, and SQL text helpers for identifiers and literals (names are validated first). */

/** A D1 database or a D1 session (`withSession`): both prepare and batch statements the same way. */
export type D1Like = D1Database | D1DatabaseSession;

/** Quotes an identifier with backticks, doubling any backtick inside. */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/** Quotes a string literal, doubling single quotes. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
