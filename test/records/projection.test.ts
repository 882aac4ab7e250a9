import { describe, expect, it } from "vitest";
import { toExcerpt } from "../../src/records/excerpt";
import { fieldsTree, projectFields } from "../../src/records/projection";
import { parseFields } from "../../src/records/query-params";

const record = {
  id: "r1",
  title: "T",
  body: "<p>Hello <b>big</b>   world</p>",
  expand: {
    author: { id: "a1", name: "Ann", email: "e" },
    tags: [
      { id: "t1", name: "x" },
      { id: "t2", name: "y" },
    ],
  },
};
const project = (raw: string) => projectFields(record, fieldsTree(parseFields(raw) ?? []));

describe("projectFields", () => {
  it.each([
    ["id,title", { id: "r1", title: "T" }],
    ["id,expand.author.name", { id: "r1", expand: { author: { name: "Ann" } } }],
    ["expand.tags.name", { expand: { tags: [{ name: "x" }, { name: "y" }] } }],
    ["id,expand.author.*", { id: "r1", expand: { author: { id: "a1", name: "Ann", email: "e" } } }],
    ["body:excerpt(9,true)", { body: "Hello big..." }],
    ["body:excerpt(100)", { body: "Hello big world" }],
    ["nope", {}],
  ])("%s", (raw, expected) => {
    expect(project(raw)).toEqual(expected);
  });

  it("* keeps every key and lets nested entries narrow expand", () => {
    expect(project("*,expand.author.id")).toEqual({
      id: "r1",
      title: "T",
      body: record.body,
      expand: { author: { id: "a1" } },
    });
  });

  it("does not mutate the record", () => {
    project("id");
    expect(record.title).toBe("T");
  });
});

describe("toExcerpt", () => {
  it("strips tags, scripts and extra whitespace and cuts on characters", () => {
    expect(toExcerpt("<script>x()</script><i>ab</i>\n\n cd", 4, false)).toBe("ab c");
    expect(toExcerpt("😀😀😀", 2, true)).toBe("😀😀...");
    expect(toExcerpt("short", 10, true)).toBe("short");
  });

  it.each([
    ["<p>a</p>  <p>b</p>", 10, "a b"],
    ["  lead  and trail  ", 20, "lead and trail"],
    ["<SCRIPT type=x>no()</ScRiPt>yes", 10, "yes"],
    ["<style>p{}</style><script>x</style>after", 20, "x after"],
    ["<script>never closed", 20, "never closed"],
    ["a < b and c > d", 20, "a d"],
    ["a < b", 20, "a < b"],
    ["one two three", 7, "one two"],
    ["one two three", 4, "one"],
    ["<b>x</b>", 0, ""],
  ])("%j, %i → %j (what the old regex stripper gave)", (html, length, expected) => {
    expect(toExcerpt(html, length, false)).toBe(expected);
  });

  it("is linear on hostile input and still exact", () => {
    expect(toExcerpt("<".repeat(990_000), 1, false)).toBe("<");
    expect(toExcerpt("<".repeat(990_000), 3, true)).toBe("<<<...");
    expect(toExcerpt("<script>".repeat(120_000), 5, false)).toBe("");
    expect(toExcerpt(`${"<a ".repeat(300_000)}>z`, 5, false)).toBe("z");
    expect(toExcerpt(`${"<b>x</b>".repeat(100_000)}`, 3, true)).toBe("x x...");
  });
});
