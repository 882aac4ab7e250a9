/**
 * Contended writes with If-Match: 50 clients × 20 increments of one record, each sent with the ETag it last
 * read. Every version has at most one winner, the others get 412, and the final value equals the number of
 * acknowledged increments.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson } from "../helpers/request";
import { openCollection } from "../realtime/helpers";

const CLIENTS = 50;
const ATTEMPTS = 20;
let recordId = "";

beforeAll(async () => {
  await openCollection("contended", [{ name: "n", type: "number", onlyInt: true }]);
  const res = await apiJson("POST", "/api/collections/contended/records", { n: 0 });
  expect(res.status).toBeLessThan(300);
  recordId = ((await res.json()) as { id: string }).id;
});

describe("If-Match under contention", () => {
  it("gives exactly one winner per version, and the final value equals the number of 2xx", async () => {
    const path = `/api/collections/contended/records/${recordId}`;
    /** Per version (the ETag a PATCH was conditional on): how many PATCHes it acknowledged. */
    const winners = new Map<string, number>();
    const statuses = new Map<number, number>();
    let acked = 0;
    const client = async () => {
      let etag: string | null = null;
      for (let i = 0; i < ATTEMPTS; i++) {
        if (etag === null) {
          const read = await api(path);
          expect(read.status).toBe(200);
          await read.arrayBuffer();
          etag = read.headers.get("etag");
          expect(etag, "a record read carries an ETag").toBeTruthy();
        }
        const sent = etag as string;
        const res = await apiJson("PATCH", path, { "n+": 1 }, { "if-match": sent });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.arrayBuffer();
        if (res.status >= 200 && res.status < 300) {
          acked++;
          winners.set(sent, (winners.get(sent) ?? 0) + 1);
          etag = res.headers.get("etag");
        } else etag = null;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const final = (await (await api(path)).json()) as { n: number };
    const seen = JSON.stringify(Object.fromEntries(statuses));
    // A PATCH whose version is stale is a 412, never a 409 or a 5xx: its precondition is what failed.
    expect(
      [...statuses.keys()].every((s) => s === 412 || (s >= 200 && s < 300)),
      seen,
    ).toBe(true);
    expect([...winners.values()].every((count) => count === 1)).toBe(true);
    expect(acked).toBeGreaterThan(0);
    expect(final.n).toBe(acked);
    expect(winners.size).toBe(acked);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(CLIENTS * ATTEMPTS);
  }, 180_000);
});
