/**
 * Record hooks typed per collection from the generated types (`npm run typegen` writes `CollectionRecords`):
 * `const { onRecordCreate } = typedHooks<CollectionRecords>()`, then `onRecordCreate("posts", (e) => e.record.title)`.
 * They build the same definitions `createEdgebase({ hooks })` takes; only the types are added.
 */
import type { BeforeRecordEvent, RecordHook, RecordHookEvent } from "./types";

/** A before create/update event of a collection with records `R`: the submitted values are a part of one. */
export type TypedBeforeWriteEvent<R> = Omit<BeforeRecordEvent, "record" | "oldRecord"> & {
  record: Partial<R>;
  oldRecord?: R;
};

/** A before delete event: the stored record. */
export type TypedBeforeDeleteEvent<R> = Omit<BeforeRecordEvent, "record" | "oldRecord"> & { record: R };

/** An after-commit event: the committed record, and the one before an update or delete. */
export type TypedAfterEvent<R> = Omit<RecordHookEvent, "record" | "oldRecord"> & { record: R; oldRecord?: R };

type Run<E> = (e: E) => void | Promise<void>;

/** One collection name, or several (names only: ids would lose the type). */
type Names<S> = (keyof S & string) | readonly (keyof S & string)[];

/** The record type of the named collections (a union when several are named). */
type RecordOf<S, C> = C extends readonly (infer K)[] ? S[K & keyof S] : S[C & keyof S];

/**
 * The typed registration functions (they use no `this`: destructure them); each returns a hook definition for
 * `createEdgebase({ hooks })`.
 */
export interface TypedHooks<S> {
  /** `record.beforeCreate`: change the submitted values, add field errors, refuse. */
  onRecordCreate<C extends Names<S>>(
    collections: C,
    run: Run<TypedBeforeWriteEvent<RecordOf<S, C>>>,
  ): RecordHook;
  /** `record.beforeUpdate`: `e.record` holds the changed fields, `e.oldRecord` the stored record. */
  onRecordUpdate<C extends Names<S>>(
    collections: C,
    run: Run<TypedBeforeWriteEvent<RecordOf<S, C>>>,
  ): RecordHook;
  /** `record.beforeDelete`: `e.record` is the stored record. */
  onRecordDelete<C extends Names<S>>(
    collections: C,
    run: Run<TypedBeforeDeleteEvent<RecordOf<S, C>>>,
  ): RecordHook;
  /** `record.afterCreate`, after the commit. */
  onRecordAfterCreate<C extends Names<S>>(
    collections: C,
    run: Run<TypedAfterEvent<RecordOf<S, C>>>,
  ): RecordHook;
  /** `record.afterUpdate`, after the commit. */
  onRecordAfterUpdate<C extends Names<S>>(
    collections: C,
    run: Run<TypedAfterEvent<RecordOf<S, C>>>,
  ): RecordHook;
  /** `record.afterDelete`, after the commit. */
  onRecordAfterDelete<C extends Names<S>>(
    collections: C,
    run: Run<TypedAfterEvent<RecordOf<S, C>>>,
  ): RecordHook;
}

/**
 * Registration methods typed by `S` (record types by collection name, e.g. the generated `CollectionRecords`).
 * A hook runs only for the collections it names, so the record type it is given is the one it gets.
 */
export function typedHooks<S>(): TypedHooks<S> {
  const hook =
    (on: RecordHook["on"]) =>
    (collections: string | readonly string[], run: Run<never>): RecordHook =>
      // The runtime event is the untyped one; the typed view of it is only a narrower reading.
      ({
        on,
        collections: typeof collections === "string" ? [collections] : [...collections],
        run: run as unknown as Run<BeforeRecordEvent>,
      }) as RecordHook;
  return {
    onRecordCreate: hook("record.beforeCreate"),
    onRecordUpdate: hook("record.beforeUpdate"),
    onRecordDelete: hook("record.beforeDelete"),
    onRecordAfterCreate: hook("record.afterCreate"),
    onRecordAfterUpdate: hook("record.afterUpdate"),
    onRecordAfterDelete: hook("record.afterDelete"),
  };
}
