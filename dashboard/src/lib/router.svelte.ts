/**
 * Hash routing (`/_/#/collections/posts`), as PocketBase's dashboard does: the emails' links
 * (`/_/#/auth/confirm-password-reset/<token>`) then need no server-side fallback.
 */

/** The current route: path segments after `#/`, and the query after `?`. */
export interface Route {
  path: string[];
  query: URLSearchParams;
}

/** Parses a location hash such as `#/collections/posts?filter=x`. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  return {
    path: path
      .split("/")
      .filter(Boolean)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      }),
    query,
  };
}

/** The live route; components read `router.route`. */
export const router = $state({ route: parseHash(location.hash) });

window.addEventListener("hashchange", () => {
  router.route = parseHash(location.hash);
});

/** Navigates to a dashboard path, e.g. `go("collections", name)`. */
export function go(...segments: string[]): void {
  location.hash = `#/${segments.map(encodeURIComponent).join("/")}`;
}
