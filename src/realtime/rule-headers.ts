/** The request headers a realtime connection keeps: those its rules read, never credentials. */
import { parseFilter } from "../rules/cache";
import { collectIdentifiers } from "../rules/identifiers";

/** Headers never kept in connection state, whatever a rule names (tokens and session cookies). */
const NEVER_KEPT = new Set(["authorization", "cookie", "proxy_authorization", "x_edgebase_realtime"]);

/**
 * The entries of `headers` (`@request.headers.*` naming) that one of `rules` references. Connection state is
 * persisted (attachments, SQLite), so it keeps only what evaluation needs. A header a rule starts to reference
 * after the connection opened reads as missing until the client reconnects.
 */
export function referencedHeaders(
  rules: readonly (string | null | undefined)[],
  headers: Record<string, string>,
): Record<string, string> {
  const names = new Set<string>();
  for (const rule of rules) {
    if (!rule?.trim()) continue;
    try {
      for (const id of collectIdentifiers(parseFilter(rule))) {
        const [head, name] = id.path;
        if (id.scope === "request" && head === "headers" && name) names.add(name);
      }
    } catch {
      // A rule that does not parse denies everyone; it needs no headers.
    }
  }
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined && !NEVER_KEPT.has(name)) kept[name] = value;
  }
  return kept;
}
