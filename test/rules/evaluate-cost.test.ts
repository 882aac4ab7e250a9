/** The JS evaluator's cost budget: LIKE costs text × pattern, list comparisons count every item pair. */
import { describe, expect, it } from "vitest";
import { parseFilter } from "../../src/rules/cache";
import { guestContext } from "../../src/rules/context";
import { RuleLimitError } from "../../src/rules/errors";
import { evaluateFilter } from "../../src/rules/evaluate";

const run = (filter: string, record: Record<string, unknown>, maxCost?: number) =>
  evaluateFilter(parseFilter(filter), record, guestContext(), maxCost === undefined ? {} : { maxCost });

describe("evaluateFilter maxCost", () => {
  it("answers within the budget and throws a limit error past it", () => {
    const record = {
      a: "x".repeat(1_000),
      b: "x".repeat(100),
      tags: Array.from({ length: 100 }, (_, i) => `t${i}`),
    };
    expect(run("a ~ b", record)).toBe(true);
    expect(run("a ~ b", record, 1_000_000)).toBe(true);
    expect(() => run("a ~ b", record, 50_000)).toThrow(RuleLimitError);
    expect(run("a = 'y'", record, 2_000)).toBe(false);
    expect(() => run("a = 'y' || a = 'z'", record, 2_000)).toThrow(RuleLimitError);
    // 100 items against 100 items: 10,000 pairs, each costing a few steps.
    expect(() => run("tags ?= tags", record, 10_000)).toThrow(RuleLimitError);
    expect(run("tags ?= tags", record, 1_000_000)).toBe(true);
  });
});
