import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors";
import {
  DEFAULT_PER_PAGE,
  MAX_PARAM_LENGTH,
  MAX_PER_PAGE,
  parseExpand,
  parseFields,
  parseListParams,
  parseSort,
  parseViewParams,
} from "../../src/records/query-params";

function expect400(fn: () => unknown, param: string) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect(Object.keys((err as ApiError).data)).toEqual([param]);
    return;
  }
  throw new Error("expected a 400");
}

describe("parseListParams", () => {
  it("refuses over-long sort, expand, fields and cursor values with a 400 naming the parameter", () => {
    const long = "a".repeat(MAX_PARAM_LENGTH + 1);
    for (const param of ["sort", "expand", "fields"])
      expect400(() => parseListParams({ [param]: long }), param);
    expect400(() => parseListParams({ cursor: "c".repeat(2049) }), "cursor");
    // At the bound exactly, the value is parsed (and then judged on its own terms).
    expect(parseListParams({ sort: `${"a".repeat(MAX_PARAM_LENGTH - 1)}b` }).sort).toHaveLength(1);
  });

  it("applies PocketBase's defaults", () => {
    expect(parseListParams({})).toEqual({
      page: 1,
      perPage: DEFAULT_PER_PAGE,
      sort: [],
      filter: "",
      expand: [],
      fields: null,
      skipTotal: false,
      cursor: null,
    });
  });

  it("parses every parameter", () => {
    const params = parseListParams({
      page: "3",
      perPage: "50",
      sort: "-created,title",
      filter: " title ~ 'x' ",
      expand: "author,comments_via_post.user",
      fields: "id,expand.author.name",
      skipTotal: "1",
    });
    expect(params).toMatchObject({
      page: 3,
      perPage: 50,
      filter: "title ~ 'x'",
      skipTotal: true,
      expand: [["author"], ["comments_via_post", "user"]],
    });
  });

  it.each([
    ["page", "1.5"],
    ["page", "abc"],
    ["page", "99999999999"],
    ["perPage", "1e3"],
    ["skipTotal", "yes"],
    ["sort", "x".repeat(5000)],
  ])("rejects %s=%s with a 400 naming it", (param, value) => {
    expect400(() => parseListParams({ [param]: value }), param);
  });

  it("clamps page below 1 and perPage out of range, as PocketBase does", () => {
    expect(parseListParams({ page: "0" }).page).toBe(1);
    expect(parseListParams({ page: "-3" }).page).toBe(1);
    expect(parseListParams({ perPage: "0" }).perPage).toBe(DEFAULT_PER_PAGE);
    expect(parseListParams({ perPage: "-5" }).perPage).toBe(DEFAULT_PER_PAGE);
    expect(parseListParams({ perPage: String(MAX_PER_PAGE + 1) }).perPage).toBe(MAX_PER_PAGE);
    expect(parseListParams({ perPage: "9999999999" }).perPage).toBe(MAX_PER_PAGE);
  });

  it("accepts the maximum perPage", () => {
    expect(parseListParams({ perPage: String(MAX_PER_PAGE) }).perPage).toBe(MAX_PER_PAGE);
  });

  it("refuses a cursor combined with a page", () => {
    expect400(() => parseListParams({ cursor: "abc", page: "2" }), "cursor");
  });
});

describe("parseSort", () => {
  it("parses directions and specials", () => {
    expect(parseSort("-created,+title,@random,-@rowid,author.name")).toEqual([
      { kind: "field", path: "created", desc: true },
      { kind: "field", path: "title", desc: false },
      { kind: "random" },
      { kind: "rowid", desc: true },
      { kind: "field", path: "author.name", desc: false },
    ]);
  });

  it("caps the number of terms", () => {
    expect(parseSort(Array(8).fill("a").join(","))).toHaveLength(8);
    expect400(() => parseSort(Array(9).fill("a").join(",")), "sort");
  });

  it.each(["title;drop table x", "a..b", "1abc", "-", "a b", "@unknown"])("rejects %j", (raw) => {
    expect400(() => parseSort(raw), "sort");
  });
});

describe("parseExpand", () => {
  it("deduplicates paths", () => {
    expect(parseExpand("author, author ,tags")).toEqual([["author"], ["tags"]]);
  });

  it("allows six levels and refuses seven", () => {
    expect(parseExpand("a.b.c.d.e.f")).toEqual([["a", "b", "c", "d", "e", "f"]]);
    expect400(() => parseExpand("a.b.c.d.e.f.g"), "expand");
  });

  it("refuses bad segments", () => {
    expect400(() => parseExpand("author.(select)"), "expand");
  });
});

describe("parseFields", () => {
  it("returns null for all fields", () => {
    expect(parseFields(undefined)).toBeNull();
    expect(parseFields(" ")).toBeNull();
  });

  it("parses paths, wildcards and excerpts, splitting outside parentheses", () => {
    expect(parseFields("*,expand.author.name,expand.author.*,body:excerpt(200,true),x:excerpt(5)")).toEqual([
      { path: ["*"] },
      { path: ["expand", "author", "name"] },
      { path: ["expand", "author", "*"] },
      { path: ["body"], excerpt: { length: 200, ellipsis: true } },
      { path: ["x"], excerpt: { length: 5, ellipsis: false } },
    ]);
  });

  it.each(["a:excerpt(0)", "a:excerpt(99999)", "a:upper", "a.*.b", "(", "a,b)"])("rejects %j", (raw) => {
    expect400(() => parseFields(raw), "fields");
  });
});

describe("parseViewParams", () => {
  it("keeps only expand and fields", () => {
    expect(parseViewParams({ expand: "author", fields: "id", page: "zzz" })).toEqual({
      expand: [["author"]],
      fields: [{ path: ["id"] }],
    });
  });
});
