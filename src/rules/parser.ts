/** Recursive-descent parser: tokens → FilterExpr, with the text, expression-count and depth limits. */
import type { FilterExpr, FunctionName, IdentifierNode, MacroName, Modifier, Operand, Operator } from "./ast";
import { FUNCTIONS, MACROS, MODIFIERS } from "./ast";
import { RuleLimitError, RuleSyntaxError } from "./errors";
import type { Token } from "./lexer";
import { tokenize } from "./lexer";
import {
  MAX_DEPTH,
  MAX_EXPRESSIONS,
  MAX_FILTER_LENGTH,
  MAX_FUNCTION_ARGS,
  MAX_PATH_SEGMENTS,
} from "./limits";

const SEGMENT = /^[A-Za-z0-9_]+$/;
const FUNCTION_ARITY: Record<FunctionName, [min: number, max: number]> = {
  strftime: [2, MAX_FUNCTION_ARGS],
  geoDistance: [4, 4],
};

/** Parses filter text without caching (see parseFilter in cache.ts for the cached entry point). */
export function parseUncached(text: string): FilterExpr {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new RuleLimitError(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const parser = new Parser(tokenize(text));
  const expr = parser.parseOr(0);
  parser.expect("eof");
  return expr;
}

class Parser {
  #tokens: Token[];
  #index = 0;
  #comparisons = 0;
  #inFunction = false;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseOr(depth: number): FilterExpr {
    let left = this.#parseAnd(depth);
    while (this.#peek().kind === "or") {
      const pos = this.#next().pos;
      left = { type: "logical", op: "||", left, right: this.#parseAnd(depth), pos };
    }
    return left;
  }

  #parseAnd(depth: number): FilterExpr {
    let left = this.#parsePrimary(depth);
    while (this.#peek().kind === "and") {
      const pos = this.#next().pos;
      left = { type: "logical", op: "&&", left, right: this.#parsePrimary(depth), pos };
    }
    return left;
  }

  #parsePrimary(depth: number): FilterExpr {
    const token = this.#peek();
    if (token.kind === "(") {
      this.#enter(depth + 1, token.pos);
      this.#next();
      const inner = this.parseOr(depth + 1);
      this.expect(")");
      return inner;
    }
    const left = this.#parseOperand(depth);
    const opToken = this.#peek();
    if (opToken.kind !== "operator") throw unexpectedToken(opToken);
    this.#next();
    const right = this.#parseOperand(depth);
    this.#comparisons++;
    if (this.#comparisons > MAX_EXPRESSIONS) {
      throw new RuleLimitError(`filter has more than ${MAX_EXPRESSIONS} expressions`, opToken.pos);
    }
    return { type: "comparison", op: opToken.text as Operator, left, right, pos: left.pos };
  }

  #parseOperand(depth: number): Operand {
    const token = this.#next();
    switch (token.kind) {
      case "string":
        return { type: "literal", value: token.text, pos: token.pos };
      case "number":
        return { type: "literal", value: parseNumber(token), pos: token.pos };
      case "identifier":
        if (this.#peek().kind === "(") {
          // Nested calls would multiply SQL expression depth (D1 caps it at 100) for no real use.
          if (this.#inFunction)
            throw new RuleSyntaxError(`function calls cannot be nested (at ${token.pos})`, token.pos);
          return this.#parseFunction(token, depth);
        }
        return parseIdentifier(token);
      default:
        throw unexpectedToken(token);
    }
  }

  #parseFunction(nameToken: Token, depth: number): Operand {
    const name = nameToken.text as FunctionName;
    if (!FUNCTIONS.includes(name)) {
      throw new RuleSyntaxError(`unknown function "${nameToken.text}" at ${nameToken.pos}`, nameToken.pos);
    }
    this.#enter(depth + 1, nameToken.pos);
    this.#next();
    this.#inFunction = true;
    const args: Operand[] = [];
    if (this.#peek().kind !== ")") {
      args.push(this.#parseOperand(depth + 1));
      while (this.#peek().kind === ",") {
        this.#next();
        args.push(this.#parseOperand(depth + 1));
        if (args.length > MAX_FUNCTION_ARGS) {
          throw new RuleLimitError(`too many arguments to ${name} at ${nameToken.pos}`, nameToken.pos);
        }
      }
    }
    this.expect(")");
    this.#inFunction = false;
    const [min, max] = FUNCTION_ARITY[name];
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : `${min} to ${max}`;
      throw new RuleSyntaxError(`${name} takes ${wanted} arguments (at ${nameToken.pos})`, nameToken.pos);
    }
    return { type: "function", name, args, pos: nameToken.pos };
  }

  #enter(depth: number, pos: number): void {
    if (depth > MAX_DEPTH) throw new RuleLimitError(`filter is nested deeper than ${MAX_DEPTH} levels`, pos);
  }

  expect(kind: Token["kind"]): Token {
    const token = this.#next();
    if (token.kind !== kind) throw unexpectedToken(token);
    return token;
  }

  #peek(): Token {
    return this.#tokens[this.#index] as Token;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== "eof") this.#index++;
    return token;
  }
}

function parseNumber(token: Token): number {
  const value = Number(token.text);
  if (!Number.isFinite(value)) throw new RuleSyntaxError(`number out of range at ${token.pos}`, token.pos);
  return value;
}

function parseIdentifier(token: Token): Operand {
  const { text, pos } = token;
  const lower = text.toLowerCase();
  if (lower === "true" || lower === "false") return { type: "literal", value: lower === "true", pos };
  if (lower === "null") return { type: "literal", value: null, pos };
  if (text.startsWith("@")) {
    const body = text.slice(1);
    if ((MACROS as readonly string[]).includes(body)) return { type: "macro", name: body as MacroName, pos };
    if (body.startsWith("request.")) return buildIdentifier(token, "request", body.slice(8));
    if (body.startsWith("collection.")) return buildIdentifier(token, "collection", body.slice(11));
    throw new RuleSyntaxError(`unknown macro "${text}" at ${pos}`, pos);
  }
  return buildIdentifier(token, "record", text);
}

function buildIdentifier(token: Token, scope: IdentifierNode["scope"], rest: string): IdentifierNode {
  const segments = rest.split(".");
  if (segments.length > MAX_PATH_SEGMENTS) {
    throw new RuleLimitError(
      `identifier has more than ${MAX_PATH_SEGMENTS} segments at ${token.pos}`,
      token.pos,
    );
  }
  let alias: string | null = null;
  let modifier: Modifier | null = null;
  const path = segments.map((segment, i) => {
    const [name = "", suffix, ...extra] = segment.split(":");
    if (!SEGMENT.test(name) || extra.length > 0) throw invalidIdentifier(token);
    if (suffix === undefined) return name;
    if (scope === "collection" && i === 0 && segments.length > 1) {
      if (!SEGMENT.test(suffix)) throw invalidIdentifier(token);
      alias = suffix;
    } else if (i === segments.length - 1 && (MODIFIERS as readonly string[]).includes(suffix)) {
      modifier = suffix as Modifier;
    } else {
      throw new RuleSyntaxError(`unknown modifier ":${suffix}" at ${token.pos}`, token.pos);
    }
    return name;
  });
  if (scope === "collection" && path.length < 2) throw invalidIdentifier(token);
  if ((modifier === "isset" || modifier === "changed") && !(scope === "request" && path[0] === "body")) {
    throw new RuleSyntaxError(`":${modifier}" applies only to @request.body.* (at ${token.pos})`, token.pos);
  }
  return { type: "identifier", scope, path, modifier, alias, raw: token.text, pos: token.pos };
}

function invalidIdentifier(token: Token): RuleSyntaxError {
  return new RuleSyntaxError(`invalid identifier "${token.text}" at ${token.pos}`, token.pos);
}

function unexpectedToken(token: Token): RuleSyntaxError {
  if (token.kind === "eof") return new RuleSyntaxError(`unexpected end of input at ${token.pos}`, token.pos);
  const shown = token.kind === "string" ? "string" : JSON.stringify(token.text);
  return new RuleSyntaxError(`unexpected ${shown} at ${token.pos}`, token.pos);
}
