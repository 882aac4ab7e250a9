import { describe } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("relation field", () => {
  describe("options", () => {
    optionsTable(
      "relation",
      [{ collectionId: "pbc_1" }, { collectionId: "pbc_1", minSelect: 1, maxSelect: 5, cascadeDelete: true }],
      [
        [{}, "collectionId"],
        [{ collectionId: "" }, "collectionId"],
        [{ collectionId: "pbc_1", minSelect: -1 }, "minSelect"],
        [{ collectionId: "pbc_1", maxSelect: 1001 }, "maxSelect"],
        [{ collectionId: "pbc_1", cascadeDelete: "yes" }, "cascadeDelete"],
      ],
    );
  });

  describe("single", () => {
    valueTable(
      defineField({ type: "relation", collectionId: "pbc_1" }),
      [
        ["abc123def456ghi", "abc123def456ghi"],
        ["", ""],
        [null, ""],
        [["x1", "x2"], "x2"],
      ],
      [
        ["bad id!", "validation_invalid_value"],
        ["x".repeat(256), "validation_invalid_value"],
      ],
    );
    valueTable(
      defineField({ type: "relation", collectionId: "pbc_1", required: true }),
      [],
      [["", "validation_required"]],
    );
  });

  describe("multiple with minSelect", () => {
    valueTable(
      defineField({ type: "relation", collectionId: "pbc_1", minSelect: 2, maxSelect: 3 }),
      [
        [
          ["a", "b"],
          ["a", "b"],
        ],
        [
          ["a", "b", "a"],
          ["a", "b"],
        ],
        [[], []],
      ],
      [
        [["a"], "validation_not_enough_values"],
        [["a", "b", "c", "d"], "validation_too_many_values"],
        [["a", "b c"], "validation_invalid_value"],
      ],
    );
  });

  describe("storage", () => {
    codecTable(defineField({ type: "relation", collectionId: "pbc_1" }), "TEXT DEFAULT '' NOT NULL", [
      "",
      "r1",
    ]);
    codecTable(
      defineField({ type: "relation", collectionId: "pbc_1", maxSelect: 5 }),
      "JSON DEFAULT '[]' NOT NULL",
      [[], ["r1", "r2"]],
    );
  });
});
