/** The dashboard's rule autocomplete and highlighter (pure): suggestions per context, tokens round-trip. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CollectionInfo, suggest, tokenize } from "../../dashboard/src/lib/rule-complete";

const users: CollectionInfo = {
  id: "u1",
  name: "users",
  type: "auth",
  fields: [
    { name: "id", type: "text" },
    { name: "email", type: "email" },
    { name: "role", type: "select" },
  ],
};
const posts: CollectionInfo = {
  id: "p1",
  name: "posts",
  type: "base",
  fields: [
    { name: "id", type: "text" },
    { name: "title", type: "text" },
    { name: "author", type: "relation", collectionId: "u1" },
  ],
};
const all = [users, posts];
const labels = (text: string, cursor = text.length) => suggest(text, cursor, posts, all).map((s) => s.label);

describe("rule autocomplete", () => {
  it.each([
    ["ti", ["title"]],
    ["aut", ["author", "author."]],
    ["author.", ["author.id", "author.email", "author.role"]],
    ["author.em", ["author.email"]],
    ["@request.auth.r", ["@request.auth.role"]],
    ["@request.body.ti", ["@request.body.title"]],
    ["@collection.", ["@collection.users.", "@collection.posts."]],
    ["@collection.users.em", ["@collection.users.email"]],
    ["title:is", [":isset"]],
    ["title = 'x' && ti", ["title"]],
    ["nope.", []],
    ["", []],
  ])("%j suggests %j", (text, expected) => {
    expect(labels(text)).toEqual(expected);
  });

  it("offers @request and macros after @", () => {
    expect(labels("@")).toEqual(expect.arrayContaining(["@request.auth.", "@now", "@collection."]));
    expect(labels("@to")).toEqual(["@tomorrow", "@todayStart", "@todayEnd"]);
  });

  it("replaces only the word under the cursor", () => {
    const [s] = suggest("title = 1 && aut || x", 16, posts, all);
    expect(s).toEqual({ label: "author", from: 13 });
  });
});

describe("rule highlighting", () => {
  it("splits rule text into typed runs", () => {
    const kinds = tokenize(`title ~ 'a' && views >= 2 || @request.auth.id != null`)
      .filter((t) => t.text.trim())
      .map((t) => [t.text, t.kind]);
    expect(kinds).toEqual([
      ["title", "identifier"],
      ["~", "operator"],
      ["'a'", "string"],
      ["&&", "operator"],
      ["views", "identifier"],
      [">=", "operator"],
      ["2", "number"],
      ["||", "operator"],
      ["@request.auth.id", "macro"],
      ["!=", "operator"],
      ["null", "keyword"],
    ]);
  });

  it("gives back the input exactly for any text", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        (text) =>
          tokenize(text)
            .map((t) => t.text)
            .join("") === text,
      ),
    );
  });
});
