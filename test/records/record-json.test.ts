import { describe, expect, it } from "vitest";
import { etagOf, hashEtag, ifMatchSatisfied, toRecordJson } from "../../src/records/record-json";
import { guestContext } from "../../src/rules";
import { collection, field } from "./schema";

describe("toRecordJson", () => {
  const posts = collection("c1", "posts", [
    field("title", "text"),
    field("secret", "text", { hidden: true }),
    field("n", "number"),
  ]);
  const row = { id: "r1", title: "t", secret: "s", n: "4" };

  it("adds collection keys, decodes values and drops hidden fields for non-superusers", () => {
    expect(toRecordJson(posts, row, guestContext())).toEqual({
      collectionId: "c1",
      collectionName: "posts",
      id: "r1",
      title: "t",
      n: 4,
    });
    expect(toRecordJson(posts, row, guestContext({ isSuperuser: true })).secret).toBe("s");
  });
});

describe("ETags", () => {
  const posts = collection("c1", "posts", [field("v", "number"), field("pin", "text", { hidden: true })]);

  it("hash the record the caller receives: hidden columns change only a superuser's ETag", async () => {
    const guest = guestContext();
    const su = guestContext({ isSuperuser: true });
    const a = await etagOf(posts, { id: "1", v: 1, pin: "1234" }, guest);
    expect(a).toBe(await hashEtag({ collectionId: "c1", collectionName: "posts", id: "1", v: 1 }));
    expect(await etagOf(posts, { id: "1", v: 1, pin: "9999" }, guest)).toBe(a);
    expect(await etagOf(posts, { id: "1", v: 2, pin: "1234" }, guest)).not.toBe(a);
    const s1 = await etagOf(posts, { id: "1", v: 1, pin: "1234" }, su);
    expect(await etagOf(posts, { id: "1", v: 1, pin: "9999" }, su)).not.toBe(s1);
  });

  it("are canonical and compare weakly", async () => {
    const a = await hashEtag({ id: "1", v: 1 });
    expect(a).toMatch(/^W\/"[0-9a-f]{24}"$/);
    expect(await hashEtag({ v: 1, id: "1" })).toBe(a);
    expect(await hashEtag({ id: "1", v: 2 })).not.toBe(a);
    expect(ifMatchSatisfied(a, a)).toBe(true);
    expect(ifMatchSatisfied(a.slice(2), a)).toBe(true);
    expect(ifMatchSatisfied(`"x", ${a}`, a)).toBe(true);
    expect(ifMatchSatisfied("*", a)).toBe(true);
    expect(ifMatchSatisfied('"other"', a)).toBe(false);
  });
});
