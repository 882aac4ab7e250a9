import { describe, expect, it } from "vitest";
import { decodeValue } from "../../../src/collections";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("number field", () => {
  describe("options", () => {
    optionsTable(
      "number",
      [{}, { min: -1.5, max: 10 }, { min: null, max: null, onlyInt: true }],
      [
        [{ min: "1" }, "min"],
        [{ max: true }, "max"],
        [{ onlyInt: "yes" }, "onlyInt"],
      ],
    );
  });

  describe("casting and bounds", () => {
    valueTable(
      defineField({ type: "number", min: -1, max: 10 }),
      [
        [5, 5],
        [-1, -1],
        [10, 10],
        ["3.5", 3.5],
        [" 7 ", 7],
        ["", 0],
        [null, 0],
        [true, 1],
        [false, 0],
      ],
      [
        [10.5, "validation_max_number_constraint"],
        [-2, "validation_min_number_constraint"],
        ["abc", "validation_invalid_value"],
        [Number.POSITIVE_INFINITY, "validation_invalid_value"],
        [{}, "validation_invalid_value"],
      ],
    );
  });

  describe("onlyInt and required", () => {
    valueTable(
      defineField({ type: "number", onlyInt: true }),
      [[2, 2]],
      [[1.5, "validation_not_an_integer"]],
    );
    valueTable(defineField({ type: "number", required: true }), [[-3, -3]], [[0, "validation_required"]]);
  });

  describe("storage", () => {
    const field = defineField({ type: "number" });
    codecTable(field, "NUMERIC DEFAULT 0 NOT NULL", [0, -3.25, 42, 1e15]);
    it("decodes unreadable stored values as 0 and numeric text as its number", () => {
      expect(decodeValue(field, "12")).toBe(12);
      expect(decodeValue(field, "abc")).toBe(0);
      expect(decodeValue(field, null)).toBe(0);
    });
  });
});
