/** collectIdentifiers: every identifier a filter uses, for schema validation and client-filter policing. */
import type { FilterExpr, IdentifierNode, Operand } from "./ast";

/**
 * Every identifier in the filter (function arguments included), in source order, duplicates kept.
 * Each carries scope (`record` | `request` | `collection`), path segments, modifier, alias and position.
 */
export function collectIdentifiers(expr: FilterExpr): IdentifierNode[] {
  const found: IdentifierNode[] = [];
  const visitOperand = (operand: Operand): void => {
    if (operand.type === "identifier") found.push(operand);
    else if (operand.type === "function") for (const arg of operand.args) visitOperand(arg);
  };
  const visit = (node: FilterExpr): void => {
    if (node.type === "logical") {
      visit(node.left);
      visit(node.right);
    } else {
      visitOperand(node.left);
      visitOperand(node.right);
    }
  };
  visit(expr);
  return found;
}
