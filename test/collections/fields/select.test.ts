import { describe, expect, it } from "vitest";
import { isMultiValued } from "../../../src/collections";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("select field", () => {
  describe("options", () => {
    optionsTable(
      "select",
      [{ values: ["a"] }, { values: ["a", "b"], maxSelect: 2, required: true }],
      [
        [{}, "values"],
        [{ values: [] }, "values"],
        [{ values: ["a", "a"] }, "values"],
        [{ values: [""] }, "values.0"],
        [{ values: ["a"], maxSelect: -1 }, "maxSelect"],
        [{ values: ["a"], maxSelect: 1.5 }, "maxSelect"],
      ],
    );
  });

  const single = defineField({ type: "select", values: ["a", "b", "c"] });
  const multi = defineField({ type: "select", values: ["a", "b", "c"], maxSelect: 2 });

  it("is multi-valued only when maxSelect > 1", () => {
    expect(isMultiValued(single)).toBe(false);
    expect(isMultiValued(multi)).toBe(true);
  });

  describe("single", () => {
    valueTable(
      single,
      [
        ["a", "a"],
        ["", ""],
        [null, ""],
        [["a", "b"], "b"],
      ],
      [
        ["d", "validation_invalid_value"],
        ["A", "validation_invalid_value"],
      ],
    );
    valueTable(
      defineField({ type: "select", values: ["a"], required: true }),
      [],
      [["", "validation_required"]],
    );
  });

  describe("multiple", () => {
    valueTable(
      multi,
      [
        ["a", ["a"]],
        [
          ["a", "a", "b"],
          ["a", "b"],
        ],
        ['["c","a"]', ["c", "a"]],
        ["", []],
        [null, []],
        [["", "b"], ["b"]],
      ],
      [
        [["a", "b", "c"], "validation_too_many_values"],
        [["d"], "validation_invalid_value"],
      ],
    );
    valueTable(
      defineField({ type: "select", values: ["a", "b"], maxSelect: 2, required: true }),
      [],
      [[[], "validation_required"]],
    );
  });

  describe("storage", () => {
    codecTable(single, "TEXT DEFAULT '' NOT NULL", ["", "b"]);
    codecTable(multi, "JSON DEFAULT '[]' NOT NULL", [[], ["c", "a"]]);
  });
});
