import { describe } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("url field", () => {
  describe("options", () => {
    optionsTable(
      "url",
      [{}, { onlyDomains: ["example.com"] }],
      [
        [{ onlyDomains: [1] }, "onlyDomains.0"],
        [{ exceptDomains: Array(101).fill("a.com") }, "exceptDomains"],
      ],
    );
  });

  describe("format: absolute http(s) only", () => {
    valueTable(
      defineField({ type: "url" }),
      [
        ["https://example.com/a?b=1#c", "https://example.com/a?b=1#c"],
        ["http://localhost:8090", "http://localhost:8090"],
        ["", ""],
      ],
      [
        ["ftp://example.com", "validation_is_url"],
        ["javascript:alert(1)", "validation_is_url"],
        ["/relative/path", "validation_is_url"],
        ["not a url", "validation_is_url"],
        [`https://example.com/${"x".repeat(2048)}`, "validation_invalid_value"],
      ],
    );
  });

  describe("domain lists", () => {
    valueTable(
      defineField({ type: "url", onlyDomains: ["example.com"] }),
      [["https://EXAMPLE.com/x", "https://EXAMPLE.com/x"]],
      [["https://sub.example.com", "validation_domain_not_allowed"]],
    );
    valueTable(
      defineField({ type: "url", exceptDomains: ["bad.com"] }),
      [["https://good.com", "https://good.com"]],
      [["http://bad.com/x", "validation_domain_not_allowed"]],
    );
  });

  describe("required", () => {
    valueTable(defineField({ type: "url", required: true }), [], [[null, "validation_required"]]);
  });

  describe("storage", () => {
    codecTable(defineField({ type: "url" }), "TEXT DEFAULT '' NOT NULL", ["", "https://example.com/é?q=1"]);
  });
});
