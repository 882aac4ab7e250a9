/** Record ETags keep their canonical text (same as a key-sorting replacer), and a list's hashed text is what is sent. */
import { describe, expect, it } from "vitest";
import { hashEtag, hashRenderedEtag, renderedJson } from "../../src/lib/etag";

// The canonical form as it was written before: JSON.stringify with a replacer sorting every object's keys.
function replacerCanonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

async function sha(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `W/"${[...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

describe("hashEtag", () => {
  it("hashes the same canonical text as before, whatever the key order", async () => {
    const value = {
      title: "t",
      meta: { z: 1, a: { y: [{ d: 1, c: 2 }, null, "x"], b: undefined }, 3: "n", 1: "m" },
      when: new Date(0),
      id: "abc",
      list: [[{ b: 1, a: 2 }]],
    };
    const reordered = { list: value.list, id: "abc", when: value.when, meta: value.meta, title: "t" };
    expect(await hashEtag(value)).toBe(await sha(replacerCanonical(value)));
    expect(await hashEtag(reordered)).toBe(await hashEtag(value));
  });
});

describe("hashRenderedEtag", () => {
  it("keeps the text it hashed for the response, and only for that body", async () => {
    const body = { page: 1, items: [{ id: "a", title: "x" }] };
    const etag = await hashRenderedEtag(body);
    const text = renderedJson(body);
    expect(text).toBe(JSON.stringify(body));
    expect(etag).toBe(await sha(text ?? ""));
    expect(renderedJson({ ...body })).toBeUndefined();
    expect(renderedJson(null)).toBeUndefined();
  });
});
