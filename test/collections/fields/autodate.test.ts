import { describe, expect, it } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("autodate field", () => {
  describe("options", () => {
    optionsTable(
      "autodate",
      [{}, { onCreate: true, onUpdate: true }],
      [
        [{ onCreate: "yes" }, "onCreate"],
        [{ onUpdate: 1 }, "onUpdate"],
      ],
    );
    it("is set on create only by default", () => {
      expect(defineField({ type: "autodate" })).toMatchObject({ onCreate: true, onUpdate: false });
    });
  });

  describe("values (what the server stamps, in PocketBase's format)", () => {
    valueTable(
      defineField({ type: "autodate" }),
      [
        ["2024-01-02 03:04:05.000Z", "2024-01-02 03:04:05.000Z"],
        ["2024-01-02T03:04:05Z", "2024-01-02 03:04:05.000Z"],
        ["", ""],
      ],
      [["soon", "validation_invalid_date"]],
    );
  });

  describe("storage", () => {
    codecTable(defineField({ type: "autodate" }), "TEXT DEFAULT '' NOT NULL", ["2024-01-02 03:04:05.000Z"]);
  });
});
