/** Domain allow/deny lists shared by the `email` and `url` field types. */
import { z } from "zod";

/** At most this many domains per list. */
const MAX_DOMAINS = 100;

// PocketBase exports an unset list as `null`: read it as empty, so its collections JSON imports unchanged.
const domainList = z
  .array(z.string().min(1).max(255))
  .max(MAX_DOMAINS)
  .nullish()
  .transform((list) => list ?? []);

/** The `exceptDomains`/`onlyDomains` options (at most one of them may be non-empty). */
export const domainListsShape = {
  exceptDomains: domainList,
  onlyDomains: domainList,
};

/** True when `domain` passes the lists (case-insensitive exact match, as PocketBase compares). */
export function domainAllowed(domain: string, lists: { exceptDomains: string[]; onlyDomains: string[] }) {
  const d = domain.toLowerCase();
  if (lists.onlyDomains.length > 0) return lists.onlyDomains.some((x) => x.toLowerCase() === d);
  return !lists.exceptDomains.some((x) => x.toLowerCase() === d);
}

/** Refinement message for a domain rejected by the lists. */
export const DOMAIN_ERROR = {
  message: "Domain is not allowed.",
  params: { code: "validation_domain_not_allowed" },
};
