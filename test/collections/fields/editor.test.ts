import { describe } from "vitest";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("editor field", () => {
  describe("options", () => {
    optionsTable(
      "editor",
      [{}, { maxSize: 1_000_000, convertURLs: true }],
      [
        [{ maxSize: 1_000_001 }, "maxSize"],
        [{ maxSize: -1 }, "maxSize"],
        [{ convertURLs: "no" }, "convertURLs"],
      ],
    );
  });

  describe("size limit in UTF-8 bytes", () => {
    valueTable(
      defineField({ type: "editor", maxSize: 10 }),
      [
        ["<p>hi</p>", "<p>hi</p>"],
        ["ééééé", "ééééé"],
        [12, "12"],
        [null, ""],
      ],
      [
        ["<p>hello</p>", "validation_content_size_limit"],
        ["éééééé", "validation_content_size_limit"],
      ],
    );
    valueTable(
      defineField({ type: "editor" }),
      [],
      [["x".repeat(1_000_001), "validation_content_size_limit"]],
    );
  });

  describe("required", () => {
    valueTable(defineField({ type: "editor", required: true }), [], [["", "validation_required"]]);
  });

  describe("storage", () => {
    codecTable(defineField({ type: "editor" }), "TEXT DEFAULT '' NOT NULL", ["", "<p>a &amp; <b>b</b></p>"]);
  });
});
