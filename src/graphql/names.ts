/** GraphQL names for collections: PascalCase type names, raw collection names for root fields, collisions resolved. */

/** Names the schema defines itself; collections never take them. */
const BUILT_IN = [
  ...["String", "Int", "Float", "Boolean", "ID"],
  ...[
    "Query",
    "Mutation",
    "Subscription",
    "JSON",
    "GeoPoint",
    "AuthPayload",
    "BatchRequest",
    "BatchResult",
    "BatchAction",
  ],
];

/** True when `name` may be a GraphQL name that is not reserved for introspection. */
export function isGraphqlName(name: string): boolean {
  return /^[_A-Za-z][_0-9A-Za-z]*$/.test(name) && !name.startsWith("__");
}

/** `m_public` → `MPublic`, `_superusers` → `Superusers`. */
export function pascalCase(name: string): string {
  const out = name
    .split("_")
    .filter((part) => part !== "")
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");
  return out === "" || /^[0-9]/.test(out) ? `C${out}` : out;
}

/**
 * Hands out unique names: the wanted one, or (when taken) the wanted one suffixed with the collection id, so
 * names stay stable for a given schema whatever the order collisions are met in.
 */
export class NameRegistry {
  readonly #taken: Set<string>;

  /** Starts with the built-in type names, or the given names, taken. */
  constructor(reserved: readonly string[] = BUILT_IN) {
    this.#taken = new Set(reserved);
  }

  /** Reserves and returns a unique name. */
  take(wanted: string, id: string): string {
    let name = this.#taken.has(wanted) ? `${wanted}_${id}` : wanted;
    while (this.#taken.has(name)) name = `${name}_`;
    this.#taken.add(name);
    return name;
  }
}
