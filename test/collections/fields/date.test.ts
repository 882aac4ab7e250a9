import { describe, expect, it } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("date field", () => {
  describe("options", () => {
    optionsTable(
      "date",
      [{}, { min: "2024-01-01", max: "2024-12-31 23:59:59.999Z" }, { min: "" }],
      [
        [{ min: "not a date" }, "min"],
        [{ max: 20240101 }, "max"],
      ],
    );
    it("normalizes bounds to PocketBase's format", () => {
      expect(defineField({ type: "date", min: "2024-01-01" })).toMatchObject({
        min: "2024-01-01 00:00:00.000Z",
      });
    });
  });

  describe("casting and bounds", () => {
    valueTable(
      defineField({ type: "date", min: "2024-01-01", max: "2024-12-31 23:59:59.999Z" }),
      [
        ["2024-06-01T10:00:00Z", "2024-06-01 10:00:00.000Z"],
        ["2024-06-01 10:00:00.123Z", "2024-06-01 10:00:00.123Z"],
        [Date.UTC(2024, 5, 1), "2024-06-01 00:00:00.000Z"],
        ["", ""],
        [null, ""],
      ],
      [
        ["yesterday", "validation_invalid_date"],
        [true, "validation_invalid_value"],
        ["2023-12-31 23:59:59.999Z", "validation_min_date_constraint"],
        ["2025-01-01", "validation_max_date_constraint"],
      ],
    );
  });

  describe("required", () => {
    valueTable(defineField({ type: "date", required: true }), [], [["", "validation_required"]]);
  });

  describe("storage", () => {
    codecTable(defineField({ type: "date" }), "TEXT DEFAULT '' NOT NULL", ["", "2024-06-01 10:00:00.000Z"]);
  });
});
