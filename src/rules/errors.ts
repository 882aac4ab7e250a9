/** Typed errors of the rule language; http/ maps every RuleError to a 400 with its message. */

/** Machine-readable reason of a RuleError. */
export type RuleErrorCode = "syntax" | "limit";

/** Base class: a filter or rule that cannot be used. Its message is safe to show to the client. */
export class RuleError extends Error {
  override name = "RuleError";
  readonly code: RuleErrorCode;
  /** Character offset in the filter text, when the error points at one. */
  readonly pos: number | undefined;

  constructor(code: RuleErrorCode, message: string, pos?: number) {
    super(message);
    this.code = code;
    this.pos = pos;
  }
}

/** Malformed text (`unexpected ")" at 12`) or a construct used where it has no meaning. */
export class RuleSyntaxError extends RuleError {
  override name = "RuleSyntaxError";

  constructor(message: string, pos?: number) {
    super("syntax", message, pos);
  }
}

/** Over a limit: text length, expression count, nesting depth, bound parameters, LIKE pattern size. */
export class RuleLimitError extends RuleError {
  override name = "RuleLimitError";

  constructor(message: string, pos?: number) {
    super("limit", message, pos);
  }
}
