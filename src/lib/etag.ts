/** Weak ETags of JSON values and If-Match / If-None-Match comparison: one home for records and collections. */

/** JSON text with every object's keys sorted, so equal values give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** A weak ETag of a JSON object: a SHA-256 of its canonical text (keys sorted at every level), 96 bits shown. */
export async function hashEtag(value: Record<string, unknown>): Promise<string> {
  return hashText(canonicalJson(value));
}

/**
 * A weak ETag of a response body the server itself rendered (a list page), from its plain JSON text. Sorting
 * every item's keys cost more than the hash; the renderer emits keys in a fixed order per schema, so the plain
 * text only differs when the body does (or the schema changed, which changes the body anyway).
 */
export function hashRenderedEtag(value: unknown): Promise<string> {
  return hashText(JSON.stringify(value));
}

async function hashText(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `W/"${hex}"`;
}

/** True when an If-Match header value names `etag` (or is `*`); weak and strong forms compare equal. */
export function ifMatchSatisfied(header: string, etag: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = bare(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === wanted);
}
