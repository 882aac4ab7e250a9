/** Tokenizer of the filter language: positions on every token, `//` comments skipped. */
import { OPERATORS } from "./ast";
import { RuleSyntaxError } from "./errors";

/** A token kind. */
export type TokenKind =
  | "string"
  | "number"
  | "identifier"
  | "operator"
  | "and"
  | "or"
  | "("
  | ")"
  | ","
  | "eof";

/** One token with its decoded text and its character offset. */
export interface Token {
  kind: TokenKind;
  /** Decoded string contents, number text, identifier text or operator. */
  text: string;
  pos: number;
}

// Longest operators first so `?!~` wins over `?!` prefixes.
const OPERATOR_LIST = [...OPERATORS].sort((a, b) => b.length - a.length);
const IDENTIFIER_START = /[A-Za-z_@]/;
const IDENTIFIER_PART = /[A-Za-z0-9_.:]/;
const DIGIT = /[0-9]/;

/** Splits filter text into tokens; throws RuleSyntaxError naming the offending character's position. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"') {
      i = readString(text, i, tokens);
      continue;
    }
    if (DIGIT.test(ch) || ((ch === "-" || ch === "+") && DIGIT.test(text[i + 1] ?? ""))) {
      i++;
      while (DIGIT.test(text[i] ?? "")) i++;
      if (text[i] === "." && DIGIT.test(text[i + 1] ?? "")) {
        i++;
        while (DIGIT.test(text[i] ?? "")) i++;
      }
      if (IDENTIFIER_PART.test(text[i] ?? "")) throw unexpected(text, i);
      tokens.push({ kind: "number", text: text.slice(start, i), pos: start });
      continue;
    }
    if (IDENTIFIER_START.test(ch)) {
      i++;
      while (IDENTIFIER_PART.test(text[i] ?? "")) i++;
      tokens.push({ kind: "identifier", text: text.slice(start, i), pos: start });
      continue;
    }
    if (ch === "&" || ch === "|") {
      if (text[i + 1] !== ch) throw unexpected(text, i);
      tokens.push({ kind: ch === "&" ? "and" : "or", text: ch + ch, pos: start });
      i += 2;
      continue;
    }
    if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ kind: ch, text: ch, pos: start });
      i++;
      continue;
    }
    const op = OPERATOR_LIST.find((candidate) => text.startsWith(candidate, i));
    if (op === undefined) throw unexpected(text, i);
    tokens.push({ kind: "operator", text: op, pos: start });
    i += op.length;
  }
  tokens.push({ kind: "eof", text: "", pos: text.length });
  return tokens;
}

/**
 * Reads a quoted string as PocketBase's fexpr does: a backslash protects the next character while scanning,
 * then only `\<quote>` is unescaped (other backslashes stay, so `"50\%"` reaches LIKE as an escaped `%`).
 */
function readString(text: string, start: number, tokens: Token[]): number {
  const quote = text[start] as string;
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === "\\" ? 2 : 1;
  if (i >= text.length) throw new RuleSyntaxError(`unterminated string at ${start}`, start);
  const raw = text.slice(start + 1, i);
  tokens.push({ kind: "string", text: raw.split(`\\${quote}`).join(quote), pos: start });
  return i + 1;
}

/** `unexpected "x" at N`, with the character shown as JSON so control characters stay readable. */
export function unexpected(text: string, pos: number): RuleSyntaxError {
  const ch = text.codePointAt(pos);
  const shown = ch === undefined ? "end of input" : JSON.stringify(String.fromCodePoint(ch));
  return new RuleSyntaxError(`unexpected ${shown} at ${pos}`, pos);
}
