/** The dashboard's field-editor state and value conversions (pure). */
import { describe, expect, it } from "vitest";
import { cellText, nextSort } from "../../dashboard/src/lib/cells";
import { move, newField, parseList, retype } from "../../dashboard/src/lib/fields";
import { fromInputDate, parseJsonText, toInputDate } from "../../dashboard/src/lib/record-values";
import { tokenCollectionId } from "../../dashboard/src/lib/token";

describe("field editor state", () => {
  it("names a new field after the ones that exist, with the type's defaults", () => {
    const f = newField("select", [{ name: "field1", type: "text" }]);
    expect(f).toMatchObject({ name: "field2", type: "select", values: [], maxSelect: 1, required: false });
    expect(
      newField("text", [
        { name: "field2", type: "text" },
        { name: "x", type: "text" },
      ]).name,
    ).toBe("field3");
  });

  it("keeps id and name when the type changes, and drops the old type's options", () => {
    const changed = retype({ id: "f1", name: "n", type: "text", max: 5, required: true }, "number");
    expect(changed).toEqual({
      id: "f1",
      name: "n",
      type: "number",
      required: true,
      hidden: undefined,
      min: null,
      max: null,
      onlyInt: false,
    });
  });

  it.each([
    [0, 2, ["b", "c", "a"]],
    [2, 0, ["c", "a", "b"]],
    [1, 9, ["a", "c", "b"]],
    [1, -3, ["b", "a", "c"]],
    [5, 0, ["a", "b", "c"]],
  ])("move(%i → %i)", (from, to, expected) => {
    expect(move(["a", "b", "c"], from, to)).toEqual(expected);
  });

  it("parses comma and newline lists", () => {
    expect(parseList(" a, b\n\nc ,")).toEqual(["a", "b", "c"]);
  });
});

describe("record values", () => {
  it("round-trips dates through the datetime-local input", () => {
    expect(toInputDate("2024-05-01 10:20:30.000Z")).toBe("2024-05-01T10:20");
    expect(fromInputDate("2024-05-01T10:20")).toBe("2024-05-01 10:20:00.000Z");
    expect(toInputDate("")).toBe("");
    expect(fromInputDate("")).toBe("");
  });

  it("parses JSON or says why not", () => {
    expect(parseJsonText('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonText("  ")).toEqual({ ok: true, value: null });
    const bad = parseJsonText("{bad");
    expect(bad.ok).toBe(false);
  });

  it("shows cells on one short line", () => {
    expect(cellText(["a", "b"], "select")).toBe("a, b");
    expect(cellText("<p>Hi <b>there</b></p>", "editor")).toBe("Hi there");
    expect(cellText("x".repeat(200), "text")).toHaveLength(80);
    expect(cellText(false, "bool")).toBe("false");
    expect(cellText({ lon: 1, lat: 2 }, "geoPoint")).toBe("2, 1");
  });

  it("cycles sort: ascending, descending, none", () => {
    expect(nextSort("", "title")).toBe("title");
    expect(nextSort("title", "title")).toBe("-title");
    expect(nextSort("-title", "title")).toBe("");
    expect(nextSort("-views", "title")).toBe("title");
  });

  it("reads the collection of an emailed token, and nothing from a malformed one", () => {
    const claims = Buffer.from(JSON.stringify({ collectionId: "pbc_1", sub: "x" })).toString("base64url");
    expect(tokenCollectionId(`h.${claims}.s`)).toBe("pbc_1");
    expect(tokenCollectionId("garbage")).toBe("");
    expect(tokenCollectionId("a.%%%.c")).toBe("");
  });
});

describe("API preview", () => {
  it("lists the operations a collection type has, with the rule that guards each", async () => {
    const { apiPreview, describeRule } = await import("../../dashboard/src/lib/api-preview");
    const auth = apiPreview(
      { name: "users", type: "auth", listRule: "id = @request.auth.id", deleteRule: null },
      "http://x",
    );
    expect(auth.map((s) => s.title)).toEqual([
      "List and search",
      "View",
      "Create",
      "Update",
      "Delete",
      "Realtime",
      "Sign in with password",
    ]);
    expect(auth[0]?.curl).toContain("http://x/api/collections/users/records?");
    expect(apiPreview({ name: "stats", type: "view" }, "http://x").map((s) => s.title)).toEqual([
      "List and search",
      "View",
    ]);
    expect([describeRule(null), describeRule(""), describeRule("a = 1")]).toEqual([
      "Superusers only.",
      "Anyone.",
      "Only when: a = 1",
    ]);
  });
});

describe("auth options form", () => {
  it("fills defaults, takes the collection's values, and leaves the rest to the JSON editor", async () => {
    const { splitAuthOptions } = await import("../../dashboard/src/lib/auth-options");
    const { form, advanced } = splitAuthOptions({
      id: "x",
      name: "users",
      fields: [],
      authRule: "",
      otp: { enabled: true, duration: 60, length: 6 },
      oauth2: { enabled: false, providers: [] },
    });
    expect(form.otp).toEqual({ enabled: true, duration: 60, length: 6 });
    expect(form.passwordAuth).toEqual({ enabled: true, identityFields: ["email"] });
    expect(form.totp).toEqual({ standalone: false });
    expect(splitAuthOptions({ totp: { standalone: true } }).form.totp).toEqual({ standalone: true });
    expect(form.authToken).toEqual({ duration: 604_800, idleTimeout: 2_592_000, maxLifetime: 31_536_000 });
    const custom = splitAuthOptions({ authToken: { duration: 60, idleTimeout: 120 } });
    expect(custom.form.authToken).toEqual({ duration: 60, idleTimeout: 120, maxLifetime: 31_536_000 });
    // oauth2 now has its own form section (test/dashboard/auth-forms.node.test.ts).
    expect(advanced).toEqual({});
    expect(form.oauth2.enabled).toBe(false);
    expect(splitAuthOptions(undefined).advanced).toEqual({});
  });
});
