import { describe, expect, it } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("password field", () => {
  describe("options", () => {
    optionsTable(
      "password",
      [{}, { min: 10, max: 50, pattern: "[0-9]", cost: 10 }],
      [
        [{ min: 72 }, "min"],
        [{ max: 100 }, "max"],
        [{ cost: 32 }, "cost"],
        [{ pattern: "(" }, "pattern"],
      ],
    );
    it("defaults to PocketBase's 8..71 characters", () => {
      expect(defineField({ type: "password" })).toMatchObject({ min: 8, max: 71 });
    });
  });

  describe("plain-text checks of a new password", () => {
    valueTable(
      defineField({ type: "password" }),
      [
        ["longenough", "longenough"],
        ["ééééééé✓", "ééééééé✓"],
        ["", ""],
        [12345678, "12345678"],
      ],
      [
        ["short", "validation_min_text_constraint"],
        ["x".repeat(72), "validation_max_text_constraint"],
      ],
    );
    valueTable(
      defineField({ type: "password", pattern: "^[a-z0-9]+$", required: true }),
      [["abcdefgh1", "abcdefgh1"]],
      [
        ["abcdefgH1", "validation_invalid_format"],
        ["", "validation_required"],
      ],
    );
  });

  describe("storage (the column holds the hash)", () => {
    codecTable(defineField({ type: "password" }), "TEXT DEFAULT '' NOT NULL", [
      "",
      "pbkdf2$1000$c2FsdA$aGFzaA",
    ]);
  });
});
