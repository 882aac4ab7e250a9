import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../../../src/collections";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("bool field", () => {
  describe("options", () => {
    optionsTable("bool", [{}, { required: true }], [[{ required: 1 }, "required"]]);
  });

  describe("casting", () => {
    valueTable(
      defineField({ type: "bool" }),
      [
        [true, true],
        [false, false],
        ["true", true],
        [" TRUE ", true],
        ["1", true],
        ["on", true],
        ["yes", true],
        ["false", false],
        ["0", false],
        ["", false],
        [1, true],
        [0, false],
        [null, false],
      ],
      [
        [{}, "validation_invalid_value"],
        [[true], "validation_invalid_value"],
      ],
    );
  });

  describe("required", () => {
    valueTable(
      defineField({ type: "bool", required: true }),
      [[true, true]],
      [[false, "validation_required"]],
    );
  });

  describe("storage", () => {
    const field = defineField({ type: "bool" });
    codecTable(field, "BOOLEAN DEFAULT FALSE NOT NULL", [true, false]);
    it("stores 1 and 0", () => {
      expect(encodeValue(field, true)).toBe(1);
      expect(encodeValue(field, false)).toBe(0);
      expect(decodeValue(field, "1")).toBe(true);
      expect(decodeValue(field, 2)).toBe(false);
    });
  });
});
