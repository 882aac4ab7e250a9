/**
 * Differential property test: compileFilter on real D1 and evaluateFilter must select the same rows.
 * Default: 100 samples × 25 filters over up to 8 random records. Longer runs and replays go through the
 * miniflare bindings declared in vitest.config.ts, which read the shell's environment:
 *   RULES_PROPERTY_RUNS=2000 npm test -- test/rules/property.test.ts
 *   RULES_PROPERTY_SEED=<seed from a failure> RULES_PROPERTY_RUNS=<runs> npm test -- test/rules/property.test.ts
 * A failure names the filter, its SQL and params, the rows D1 and the evaluator disagree on, and the seed.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { RuleContext } from "../../src/rules";
import { compileFilter, evaluateFilter, needsSql, parseFilter, RuleLimitError } from "../../src/rules";
import type { TestRecord } from "./fixtures";
import { createTestTable, insertRecords, testResolver } from "./fixtures";
import { context, filterText, records } from "./generators";

const FILTERS_PER_SAMPLE = 25;
const RUNS = Number(env.RULES_PROPERTY_RUNS) || 100;
const SEED = env.RULES_PROPERTY_SEED === "" ? undefined : Number(env.RULES_PROPERTY_SEED);

interface Tally {
  compared: number;
  needsSql: number;
  overLimit: number;
}

/** Runs every filter on D1 (one batch) and in JS; returns a description of the first disagreement. */
async function disagreement(rows: TestRecord[], ctx: RuleContext, filters: string[], tally: Tally) {
  await insertRecords(rows);
  const checks: { text: string; sql: string; params: unknown[]; expected: number[] }[] = [];
  for (const text of filters) {
    const expr = parseFilter(text);
    let compiled: ReturnType<typeof compileFilter>;
    let expected: number[];
    try {
      compiled = compileFilter(expr, testResolver(ctx), ctx);
      const results = rows.map((row) => [row.id, evaluateFilter(expr, { ...row }, ctx)] as const);
      if (results.some(([, r]) => needsSql(r))) {
        tally.needsSql++;
        continue;
      }
      expected = results.filter(([, r]) => r === true).map(([id]) => id);
    } catch (error) {
      if (!(error instanceof RuleLimitError)) throw error;
      tally.overLimit++;
      continue;
    }
    checks.push({ text, sql: compiled.sql, params: compiled.params, expected });
  }
  const results = await env.DB.batch<{ id: number }>(
    checks.map((c) => env.DB.prepare(`SELECT id FROM rt WHERE ${c.sql} ORDER BY id`).bind(...c.params)),
  );
  tally.compared += checks.length;
  for (const [i, check] of checks.entries()) {
    const actual = (results[i]?.results ?? []).map((r) => r.id);
    if (JSON.stringify(actual) !== JSON.stringify(check.expected)) {
      const differing = rows
        .filter((r) => actual.includes(r.id) !== check.expected.includes(r.id))
        .map((r) => ({ ...r, d1: actual.includes(r.id) }));
      return { filter: check.text, sql: check.sql, params: check.params, differing, ctx };
    }
  }
  return null;
}

beforeAll(createTestTable);

describe("compiler vs evaluator", () => {
  it(
    `agree on ${RUNS * FILTERS_PER_SAMPLE} generated filters over random records`,
    async () => {
      const tally: Tally = { compared: 0, needsSql: 0, overLimit: 0 };
      await fc.assert(
        fc.asyncProperty(
          records(8),
          context,
          fc.array(filterText, { minLength: FILTERS_PER_SAMPLE, maxLength: FILTERS_PER_SAMPLE }),
          async (rows, ctx, filters) => {
            const diff = await disagreement(rows, ctx, filters, tally);
            if (diff) throw new Error(`D1 and the evaluator disagree: ${JSON.stringify(diff)}`);
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // Most generated filters must actually be compared, or the test proves little.
      expect(tally.compared).toBeGreaterThanOrEqual(RUNS * FILTERS_PER_SAMPLE * 0.8);
    },
    30_000 + RUNS * 200,
  );
});
