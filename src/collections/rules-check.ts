/** Checks a collection's rules when it is saved: each must parse and name only fields that exist. */
import { collectIdentifiers, type IdentifierNode, parseFilter, RuleError } from "../rules";
import type { Collection } from "./collection";
import type { ValidationErrors } from "./errors";
import { findBackRelation } from "./relations";

/** The rule strings of a collection with their error paths. */
function rulesOf(c: Collection): [string, string | null][] {
  const rules: [string, string | null][] = [
    ["listRule", c.listRule],
    ["viewRule", c.viewRule],
    ["createRule", c.createRule],
    ["updateRule", c.updateRule],
    ["deleteRule", c.deleteRule],
  ];
  if (c.type === "auth")
    rules.push(["authRule", c.authRule], ["manageRule", c.manageRule], ["mfa.rule", c.mfa.rule]);
  return rules;
}

/** Reports every unusable rule at its name (`listRule`, …) with code `validation_invalid_rule`. */
export function checkRules(
  collection: Collection,
  others: readonly Collection[],
  errors: ValidationErrors,
): void {
  const all = [collection, ...others];
  for (const [path, rule] of rulesOf(collection)) {
    if (rule === null || rule.trim() === "") continue;
    const problem = ruleProblem(rule, collection, all);
    if (problem) errors.add(path, "validation_invalid_rule", problem);
  }
}

function ruleProblem(rule: string, collection: Collection, all: readonly Collection[]): string | undefined {
  let identifiers: IdentifierNode[];
  try {
    identifiers = collectIdentifiers(parseFilter(rule));
  } catch (err) {
    if (err instanceof RuleError) return err.message;
    throw err;
  }
  for (const identifier of identifiers) {
    if (identifier.scope !== "record") continue;
    const unknown = unknownSegment(identifier.path, collection, all);
    if (unknown !== undefined) return `unknown field "${unknown}"`;
  }
  return undefined;
}

/** The path up to the first segment that does not resolve, or undefined when the whole path resolves. */
function unknownSegment(
  path: readonly string[],
  start: Collection,
  all: readonly Collection[],
): string | undefined {
  let current: Collection = start;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string;
    const shown = path.slice(0, i + 1).join(".");
    const field = current.fields.find((f) => f.name === segment);
    if (!field) {
      const back = findBackRelation(segment, current, all);
      if (!back) return shown;
      current = back.source;
      continue;
    }
    if (i === path.length - 1) return undefined;
    // JSON values may be walked into by key; geo points expose lon/lat.
    if (field.type === "json" || field.type === "geoPoint") return undefined;
    if (field.type !== "relation") return path.slice(0, i + 2).join(".");
    const target = all.find((c) => c.id === field.collectionId);
    if (!target) return shown;
    current = target;
  }
  return undefined;
}
