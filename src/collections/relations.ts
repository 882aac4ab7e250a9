/** Relations between collections: back-relation segments (`comments_via_post`) and who references whom. */
import type { Collection } from "./collection";
import type { RelationField } from "./fields";

/** `<collection>_via_<relationField>`: a back-relation from another collection to this one. */
const BACK_RELATION = /^([A-Za-z_][A-Za-z0-9_]*)_via_([A-Za-z_][A-Za-z0-9_]*)$/;

/** A back-relation resolved: records of `source` whose relation `field` points at the target collection. */
export interface BackRelation {
  source: Collection;
  field: RelationField;
}

/** True when `segment` has the shape of a back-relation (it may still name nothing). */
export function isBackRelationName(segment: string): boolean {
  return BACK_RELATION.test(segment);
}

/**
 * Resolves `segment` as a back-relation into `target`: the source collection is named exactly (case matters,
 * as in rules and filters) and its relation field must point at `target`. Undefined when it does not resolve.
 */
export function findBackRelation(
  segment: string,
  target: Pick<Collection, "id">,
  collections: { find(idOrName: string): Collection | undefined } | readonly Collection[],
): BackRelation | undefined {
  const match = BACK_RELATION.exec(segment);
  if (!match) return undefined;
  const [, name, via] = match as unknown as [string, string, string];
  const source = Array.isArray(collections)
    ? (collections as readonly Collection[]).find((c) => c.name === name)
    : (collections as { find(idOrName: string): Collection | undefined }).find(name);
  if (!source || source.name !== name) return undefined;
  const field = source.fields.find((f) => f.name === via);
  if (field?.type !== "relation" || field.collectionId !== target.id) return undefined;
  return { source, field };
}

/** Every relation field that points at `target`, with its collection (in schema order). */
export function relationsTo(
  target: Pick<Collection, "id">,
  collections: readonly Collection[],
): BackRelation[] {
  const out: BackRelation[] = [];
  for (const source of collections) {
    for (const field of source.fields) {
      if (field.type === "relation" && field.collectionId === target.id) out.push({ source, field });
    }
  }
  return out;
}
