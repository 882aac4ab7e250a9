/** The record editor's file field logic: stored names, what may be added, and the body a save sends. */
import { describe, expect, it } from "vitest";
import {
  acceptFiles,
  fileChanges,
  fileNames,
  formatSize,
  isThumbable,
} from "../../dashboard/src/lib/file-values";

const file = (name: string, size = 10, type = "image/png") =>
  new File([new Uint8Array(size)], name, { type });

describe("file field values", () => {
  it("reads one name, a list or nothing; knows which names have thumbnails", () => {
    expect(fileNames("a.png")).toEqual(["a.png"]);
    expect(fileNames(["a.png", "", 3, "b.pdf"])).toEqual(["a.png", "b.pdf"]);
    expect(fileNames("")).toEqual([]);
    expect(fileNames(null)).toEqual([]);
    expect(["a.PNG", "b.jpeg", "c.webp", "d.gif", "e.pdf", "f.svg"].map(isThumbable)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("adds files up to maxSelect counting kept and already added ones, and refuses oversize files", () => {
    const field = { name: "docs", maxSelect: 3, maxSize: 100 };
    const first = acceptFiles(field, 1, [], [file("a.png"), file("big.png", 101)]);
    expect(first.files.map((f) => f.name)).toEqual(["a.png"]);
    expect(first.errors).toEqual(["big.png is larger than 100 B."]);
    const second = acceptFiles(field, 1, first.files, [file("b.png"), file("c.png")]);
    expect(second.files.map((f) => f.name)).toEqual(["a.png", "b.png"]);
    expect(second.errors).toEqual(["At most 3 files: 1 not added (remove some first)."]);
  });

  it("takes the last pick on a single-file field, within the API's 5 MB when the field sets no size", () => {
    const single = { name: "avatar", maxSelect: 1 };
    expect(acceptFiles(single, 1, [], [file("a.png"), file("b.png")]).files.map((f) => f.name)).toEqual([
      "b.png",
    ]);
    const big = acceptFiles(single, 0, [], [file("huge.png", 5 * 1024 * 1024 + 1)]);
    expect(big).toEqual({ files: [], errors: ["huge.png is larger than 5 MB."] });
  });

  it("sends the files on create, a replacement for a single file, else field+ and field- modifiers", () => {
    const a = file("a.png");
    const multi = { name: "docs", maxSelect: 5 };
    const single = { name: "avatar" };
    expect(fileChanges(multi, true, [], [a])).toEqual({ docs: [a] });
    expect(fileChanges(single, true, [], [a])).toEqual({ avatar: a });
    expect(fileChanges(single, true, [], [])).toEqual({});
    expect(fileChanges(single, false, ["old.png"], [a])).toEqual({ avatar: a });
    expect(fileChanges(single, false, ["old.png"], [])).toEqual({ "avatar-": ["old.png"] });
    expect(fileChanges(multi, false, ["x.pdf"], [a])).toEqual({ "docs-": ["x.pdf"], "docs+": [a] });
    expect(fileChanges(multi, false, [], [])).toEqual({});
  });

  it("formats sizes", () => {
    expect([formatSize(512), formatSize(3482), formatSize(5 * 1024 * 1024)]).toEqual([
      "512 B",
      "3.4 KB",
      "5 MB",
    ]);
  });
});
