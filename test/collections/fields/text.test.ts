import { describe } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("text field", () => {
  describe("options", () => {
    optionsTable(
      "text",
      [
        {},
        { min: 1, max: 10 },
        { pattern: "^[a-z]+$" },
        { primaryKey: true, autogeneratePattern: "[a-z0-9]{15}" },
      ],
      [
        [{ min: -1 }, "min"],
        [{ max: 1.5 }, "max"],
        [{ pattern: "(" }, "pattern"],
        [{ autogeneratePattern: "[" }, "autogeneratePattern"],
        [{ required: "yes" }, "required"],
      ],
    );
  });

  describe("casting", () => {
    valueTable(defineField({ type: "text" }), [
      ["plain", "plain"],
      [12, "12"],
      [1.5, "1.5"],
      [true, "true"],
      [null, ""],
      [["first", "last"], "last"],
      [[], ""],
    ]);
  });

  describe("limits and pattern (counted in code points)", () => {
    valueTable(
      defineField({ type: "text", min: 2, max: 5, pattern: "^[a-zé]*$" }),
      [
        ["ab", "ab"],
        ["ééééé", "ééééé"],
        ["", ""],
      ],
      [
        ["a", "validation_min_text_constraint"],
        ["abcdef", "validation_max_text_constraint"],
        ["ABC", "validation_invalid_format"],
        [{}, "validation_invalid_value"],
      ],
    );
  });

  describe("required and primary key", () => {
    valueTable(defineField({ type: "text", required: true }), [["x", "x"]], [["", "validation_required"]]);
    valueTable(defineField({ type: "text", primaryKey: true }), [], [[null, "validation_required"]]);
  });

  describe("storage", () => {
    codecTable(defineField({ type: "text" }), "TEXT DEFAULT '' NOT NULL", ["", "héllo ✓", "two\nlines", "0"]);
    codecTable(
      defineField({ type: "text", primaryKey: true }),
      "TEXT PRIMARY KEY NOT NULL",
      ["abc123"],
      "refused",
    );
  });
});
