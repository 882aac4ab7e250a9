import { describe, expect, it } from "vitest";
import { FILL_WINDOW_MS, FillBudget, MAX_BUDGET_COLLECTIONS } from "../../../src/cache/read-cache";

describe("FillBudget", () => {
  it("allows N fills per collection per window, then none until the window ends", () => {
    let clock = 1_000;
    const budget = new FillBudget(2, () => clock);
    expect([budget.take("a"), budget.take("a"), budget.take("a")]).toEqual([true, true, false]);
    expect(budget.take("b")).toBe(true);
    clock += FILL_WINDOW_MS - 1;
    expect(budget.take("a")).toBe(false);
    clock += 1;
    expect(budget.take("a")).toBe(true);
  });

  it("a zero budget never fills; a negative or fractional one is refused when built", () => {
    expect(new FillBudget(0).take("a")).toBe(false);
    expect(() => new FillBudget(-1)).toThrow(TypeError);
    expect(() => new FillBudget(1.5)).toThrow(TypeError);
  });

  it("tracks at most MAX_BUDGET_COLLECTIONS collections", () => {
    const budget = new FillBudget(1);
    for (let i = 0; i < MAX_BUDGET_COLLECTIONS + 50; i++) budget.take(`c${i}`);
    expect(budget.size).toBe(MAX_BUDGET_COLLECTIONS);
  });
});
