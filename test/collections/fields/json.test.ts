import { describe, expect, it } from "vitest";
import { decodeValue } from "../../../src/collections";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("json field", () => {
  describe("options", () => {
    optionsTable(
      "json",
      [{}, { maxSize: 1_000_000 }],
      [
        [{ maxSize: 1_000_001 }, "maxSize"],
        [{ maxSize: "10" }, "maxSize"],
      ],
    );
  });

  describe("values and size", () => {
    valueTable(
      defineField({ type: "json", maxSize: 12 }),
      [
        [{ a: 1 }, { a: 1 }],
        [
          [1, 2],
          [1, 2],
        ],
        ["str", "str"],
        [0, 0],
        [false, false],
        [null, null],
      ],
      [[{ a: "bbbbbbbbbb" }, "validation_json_size_limit"]],
    );
  });

  describe("required: null, '', [] and {} are blank", () => {
    valueTable(
      defineField({ type: "json", required: true }),
      [[0, 0]],
      [
        [null, "validation_required"],
        ["", "validation_required"],
        [[], "validation_required"],
        [{}, "validation_required"],
      ],
    );
  });

  describe("storage", () => {
    const field = defineField({ type: "json" });
    codecTable(field, "JSON DEFAULT NULL", [
      { a: [1, "two", null], b: { c: true } },
      [1, 2],
      "text",
      12.5,
      true,
      null,
    ]);
    it("decodes text that is not JSON as itself", () => {
      expect(decodeValue(field, "{oops")).toBe("{oops");
    });
  });
});
