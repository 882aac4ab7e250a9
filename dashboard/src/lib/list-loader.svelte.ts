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
export class ListLoader<T> {
  items: T[] = $state([]);
  /** The last load's failure, cleared by the next load that succeeds. Only loads write it (see createLoader). */
  error = $state("");
  /** True once the first load has ended, failed or not. */
  loaded = $state(false);
  /** True while a load is in flight. */
  loading = $state(false);
  page = $state(1);
  totalPages = $state(1);
  totalItems = $state(0);
  #fetchPage: FetchPage<T>;
  #clearOnError: boolean;

  /** Prefer {@link createLoader}, which also loads on mount and when the query changes. */
  constructor(fetchPage: FetchPage<T>, options: LoaderOptions = {}) {
    this.#fetchPage = fetchPage;
    this.#clearOnError = options.clearOnError ?? false;
  }

  /** Loads the current page again (after an action that changed the list); never throws. */
  async reload(): Promise<void> {
    this.loading = true;
    try {
      const result = await this.#fetchPage(this.page);
      if (Array.isArray(result)) {
        this.items = result;
        this.totalItems = result.length;
        this.totalPages = 1;
      } else {
        this.items = result.items;
        this.totalItems = result.totalItems;
        this.totalPages = Math.max(1, result.totalPages);
      }
      this.error = "";
    } catch (e) {
      this.error = describeError(e).message;
      if (this.#clearOnError) this.items = [];
    } finally {
      this.loading = false;
      this.loaded = true;
    }
  }
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
export function createLoader<T>(fetchPage: FetchPage<T>, options?: LoaderOptions): ListLoader<T> {
  const loader = new ListLoader(fetchPage, options);
  $effect(() => {
    void loader.reload();
  });
  return loader;
}
