/** Weak ETags of JSON values and If-Match / If-None-Match comparison: one home for records and collections. */

/** JSON text with every object's keys sorted, so equal values give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  // One native stringify of a key-sorted copy: the same text as a sorting replacer, without a JS callback per value.
  return JSON.stringify(sortedCopy(value, ""));
}

/** `value` with the keys of every object in sorted order (after toJSON, as JSON.stringify would call it). */
function sortedCopy(value: unknown, key: string): unknown {
  let v = value;
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
    v = (v as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (item !== null && typeof item === "object") {
        copy ??= v.slice();
        copy[i] = sortedCopy(item, String(i));
      }
    }
    return copy ?? v;
  }
  const source = v as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(source).sort()) {
    const item = source[k];
    sorted[k] = item !== null && typeof item === "object" ? sortedCopy(item, k) : item;
  }
  return sorted;
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
  const text = JSON.stringify(value);
  if (value !== null && typeof value === "object") renderedTexts.set(value, text);
  return hashText(text);
}

// The text each hashed body was serialized to, so the response can send it instead of serializing it again.
// Weak keys: an entry lives as long as its body, which a request drops when it answers.
const renderedTexts = new WeakMap<object, string>();

/**
 * The JSON text {@link hashRenderedEtag} made of `value`, or undefined when it hashed none. The caller must
 * not have changed `value` since (the records routes hash a body just before sending it).
 */
export function renderedJson(value: unknown): string | undefined {
  return value !== null && typeof value === "object" ? renderedTexts.get(value) : undefined;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const ENCODER = new TextEncoder();

async function hashText(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", ENCODER.encode(text)));
  let hex = "";
  for (let i = 0; i < 12; i++) hex += HEX[digest[i] as number];
  return `W/"${hex}"`;
}

/** True when an If-Match header value names `etag` (or is `*`); weak and strong forms compare equal. */
export function ifMatchSatisfied(header: string, etag: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = bare(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === wanted);
}
