/** Expand paths from a GraphQL selection: every relation selected under `expand`, at any level, with fragments. */
import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from "graphql";

type Fragments = Record<string, FragmentDefinitionNode>;

/** How many more selections a walk may visit; fragments spread twice per level would otherwise expand exponentially. */
export interface Budget {
  left: number;
}

/**
 * The field nodes of a selection set, with inline fragments and fragment spreads flattened. With a budget, stops
 * early once it is spent (the caller checks `budget.left < 0`).
 */
export function fieldNodes(
  set: SelectionSetNode | undefined,
  fragments: Fragments,
  seen = new Set<string>(),
  budget?: Budget,
): FieldNode[] {
  const out: FieldNode[] = [];
  for (const selection of set?.selections ?? []) {
    if (budget && --budget.left < 0) return out;
    if (selection.kind === "Field") out.push(selection);
    else if (selection.kind === "InlineFragment")
      out.push(...fieldNodes(selection.selectionSet, fragments, seen, budget));
    else {
      const name = selection.name.value;
      const fragment = fragments[name];
      // Validation refuses cycles before execution; the guard keeps this total even so.
      if (!fragment || seen.has(name)) continue;
      out.push(...fieldNodes(fragment.selectionSet, fragments, new Set([...seen, name]), budget));
    }
  }
  return out;
}

function recordPaths(nodes: FieldNode[], fragments: Fragments, prefix: string, out: Set<string>): void {
  for (const node of nodes) {
    if (node.name.value !== "expand") continue;
    for (const relation of fieldNodes(node.selectionSet, fragments)) {
      const name = relation.name.value;
      if (name.startsWith("__")) continue;
      const path = prefix === "" ? name : `${prefix}.${name}`;
      out.add(path);
      recordPaths(fieldNodes(relation.selectionSet, fragments), fragments, path, out);
    }
  }
}

/**
 * The `expand` parameter for the records engine from the resolver's selection. `through` names the fields between
 * the resolved field and the records (`["items"]` for a page, `[]` for a record).
 */
export function expandOf(info: GraphQLResolveInfo, through: string[]): string {
  let nodes = info.fieldNodes.flatMap((n) => fieldNodes(n.selectionSet, info.fragments));
  for (const name of through) {
    nodes = nodes
      .filter((n) => n.name.value === name)
      .flatMap((n) => fieldNodes(n.selectionSet, info.fragments));
  }
  const out = new Set<string>();
  recordPaths(nodes, info.fragments, "", out);
  // Only leaves are needed: `a.b` expands `a` too.
  const paths = [...out];
  return paths.filter((p) => !paths.some((q) => q.startsWith(`${p}.`))).join(",");
}
