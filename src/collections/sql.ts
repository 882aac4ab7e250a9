/** SQL text helpers for identifiers and literals the schema engine writes (names are validated first). */

/** Quotes an identifier with backticks, doubling any backtick inside. */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/** Quotes a string literal, doubling single quotes. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
