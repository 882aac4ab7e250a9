/** Schema-change events: after every committed change of definitions or truncate, a SchemaChangeSink hears of it. */

/** One committed change of the collections (what a cache of their records must forget). */
export interface SchemaChangeEvent {
  /** `schema`: definitions were created, updated, deleted or imported; `truncate`: every record was removed. */
  kind: "schema" | "truncate";
  /** Ids of every collection the change touched, before and after it. */
  collectionIds: string[];
}

/** Receives committed schema changes; never called for changes that failed or were refused. */
export interface SchemaChangeSink {
  emit(event: SchemaChangeEvent): Promise<void>;
}

/**
 * Hands `event` to `sink` without delaying the response: the promise runs under `defer` (ctx.waitUntil)
 * when given. Sink failures, thrown or rejected, never reach the caller: the change is already committed.
 */
export function emitSchemaChange(
  deps: { schemaChanges?: SchemaChangeSink; defer?: (promise: Promise<unknown>) => void },
  event: SchemaChangeEvent,
): void {
  if (!deps.schemaChanges || event.collectionIds.length === 0) return;
  let sent: Promise<unknown>;
  try {
    sent = deps.schemaChanges.emit(event).catch(() => {});
  } catch {
    return;
  }
  deps.defer?.(sent);
}
