import { describe, expect, it } from "vitest";
import { keysetSql } from "../../src/records/list";

const key = (desc: boolean) => ({ sql: "x", params: [], desc });

describe("keysetSql", () => {
  it("ascending then descending keys, with equality on the earlier keys", () => {
    expect(keysetSql([key(false), key(true)], ["a", 3])).toEqual({
      sql: "((__eb_k0 > ?) OR (__eb_k0 = ? AND (__eb_k1 < ? OR __eb_k1 IS NULL)))",
      params: ["a", "a", 3],
    });
  });

  it("NULL positions follow SQLite's ordering (first ascending, last descending)", () => {
    expect(keysetSql([key(false), key(false)], [null, 1])).toEqual({
      sql: "((__eb_k0 IS NOT NULL) OR (__eb_k0 IS NULL AND __eb_k1 > ?))",
      params: [1],
    });
    expect(keysetSql([key(true)], [null]).sql).toBe("((0))");
  });
});
