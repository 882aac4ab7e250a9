import { describe } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("email field", () => {
  describe("options", () => {
    optionsTable(
      "email",
      [{}, { onlyDomains: ["example.com"] }, { exceptDomains: ["spam.test"] }],
      [
        [{ onlyDomains: "example.com" }, "onlyDomains"],
        [{ exceptDomains: [""] }, "exceptDomains.0"],
      ],
    );
  });

  describe("format", () => {
    valueTable(
      defineField({ type: "email" }),
      [
        ["a@example.com", "a@example.com"],
        ["", ""],
        [null, ""],
      ],
      [
        ["not-an-email", "validation_is_email"],
        ["a@b@c.com", "validation_is_email"],
        ["a b@example.com", "validation_is_email"],
        [`${"x".repeat(250)}@a.com`, "validation_invalid_value"],
      ],
    );
  });

  describe("domain lists (case-insensitive, exact)", () => {
    valueTable(
      defineField({ type: "email", onlyDomains: ["example.com"] }),
      [["a@EXAMPLE.com", "a@EXAMPLE.com"]],
      [
        ["a@other.com", "validation_domain_not_allowed"],
        ["a@sub.example.com", "validation_domain_not_allowed"],
      ],
    );
    valueTable(
      defineField({ type: "email", exceptDomains: ["spam.test"] }),
      [["a@ok.test", "a@ok.test"]],
      [["a@Spam.Test", "validation_domain_not_allowed"]],
    );
  });

  describe("required", () => {
    valueTable(defineField({ type: "email", required: true }), [], [["", "validation_required"]]);
  });

  describe("storage", () => {
    codecTable(defineField({ type: "email" }), "TEXT DEFAULT '' NOT NULL", ["", "a@example.com"]);
  });
});
