/** Generation bumps: the sinks that move a collection's cached reads to new keys after a committed change. */
import type { SchemaChangeSink } from "../../collections/events";
import type { ChangeSink } from "../../records/events";
import type { CollectionGenerations } from "../generation";

/**
 * A ChangeSink that bumps the generation of every collection a committed record change touched (cascades
 * included). The bump is synchronous, so the writing isolate's next read misses; the returned promise covers
 * the coalesced store write, so run it under `waitUntil` (emitChanges does).
 */
export function generationSink(generations: () => CollectionGenerations | undefined): ChangeSink {
  return {
    emit(events) {
      return bumpCollections(
        generations(),
        events.map((e) => e.collection.id),
      );
    },
  };
}

/**
 * A SchemaChangeSink that bumps every collection a committed schema change or truncate touched: a field,
 * rule or hidden flag changes what its cached responses would be.
 */
export function schemaGenerationSink(generations: () => CollectionGenerations | undefined): SchemaChangeSink {
  return { emit: (event) => bumpCollections(generations(), event.collectionIds) };
}

/** Bumps each collection once; resolves when the (coalesced) store writes have finished. */
export function bumpCollections(
  generations: CollectionGenerations | undefined,
  collectionIds: Iterable<string>,
): Promise<void> {
  if (!generations) return Promise.resolve();
  const writes: Promise<unknown>[] = [];
  for (const id of new Set(collectionIds)) generations.bump(id, (p) => writes.push(p));
  return Promise.all(writes).then(() => {});
}
