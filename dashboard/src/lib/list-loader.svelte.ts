/** A list screen's loading state (items, paging, the load's own error), shared by the pages that list things. */
import { describeError } from "./errors";

/** One page of a list, as the SDK's `getList` returns it. */
export interface ListPage<T> {
  items: T[];
  totalItems: number;
  totalPages: number;
}

/** Fetches page `page` (1-based), or the whole list as an array (then there is one page). */
export type FetchPage<T> = (page: number) => Promise<ListPage<T> | T[]>;

/** Options of {@link createLoader}. */
export interface LoaderOptions {
  /** Empty the list when a load fails (a bad filter then shows no stale rows); by default the last rows stay. */
  clearOnError?: boolean;
}

/** Reactive list state; read its fields in markup, set `page` to turn pages. */
export interface ListLoader<T> {
  items: T[];
  /** The last load's failure, cleared by the next load that succeeds. Only loads write it (see createLoader). */
  error: string;
  /** True once the first load has ended, failed or not. */
  loaded: boolean;
  /** True while a load is in flight. */
  loading: boolean;
  page: number;
  totalPages: number;
  totalItems: number;
  /** Loads the current page again (after an action that changed the list); never throws. */
  reload(): Promise<void>;
}

/**
 * A list that loads when the calling component mounts, and again whenever `page` or any state `fetchPage` reads
 * before its first `await` changes (a filter, a sort): write the query into the call, e.g.
 * `createLoader((page) => pb.logs.getList(page, 50, { filter }))`. Call it while a component initialises.
 *
 * A page's own failures (a delete refused, a run that failed) belong in the page's own error, shown beside
 * `error`: a reload then cannot wipe them, which once hid the API's "You can't delete the only existing
 * superuser" on the Superusers page.
 */
export function createLoader<T>(fetchPage: FetchPage<T>, options: LoaderOptions = {}): ListLoader<T> {
  // A plain $state object, not a class: a class's per-field accessors cost the first screen's bundle (Records).
  const list: ListLoader<T> = $state({
    items: [],
    error: "",
    loaded: false,
    loading: false,
    page: 1,
    totalPages: 1,
    totalItems: 0,
    reload,
  });
  async function reload(): Promise<void> {
    list.loading = true;
    try {
      const result = await fetchPage(list.page);
      const whole = Array.isArray(result);
      list.items = whole ? result : result.items;
      list.totalItems = whole ? result.length : result.totalItems;
      list.totalPages = whole ? 1 : Math.max(1, result.totalPages);
      list.error = "";
    } catch (e) {
      list.error = describeError(e).message;
      if (options.clearOnError) list.items = [];
    } finally {
      list.loading = false;
      list.loaded = true;
    }
  }
  $effect(() => {
    void list.reload();
  });
  return list;
}
