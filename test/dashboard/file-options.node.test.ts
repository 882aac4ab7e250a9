/** The collection editor's `file` field options (checked against the API's own schema) and the shared file token. */
import { describe, expect, it } from "vitest";
import { newField, OPTIONS_WITH_CONTROLS, optionErrors, retype } from "../../dashboard/src/lib/fields";
import { fileTokenSource, RENEW_MARGIN_MS } from "../../dashboard/src/lib/file-token";
import { tokenExpiry } from "../../dashboard/src/lib/token";
import { fileField } from "../../src/collections/fields/file";

/** An unsigned JWT-shaped token expiring at `expSeconds` (the dashboard only reads claims). */
function token(expSeconds: number, n = 0): string {
  const claims = Buffer.from(JSON.stringify({ exp: expSeconds, n })).toString("base64url");
  return `h.${claims}.s`;
}

describe("file field options", () => {
  it("starts a file field with the API's defaults, which the API accepts as they are", () => {
    const f = newField("file", []);
    expect(f).toEqual({
      name: "field1",
      type: "file",
      required: false,
      hidden: false,
      maxSelect: 1,
      maxSize: 0,
      mimeTypes: [],
      thumbs: [],
      protected: false,
    });
    const parsed = fileField.schema.safeParse(f);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({
      maxSelect: 1,
      maxSize: 0,
      mimeTypes: [],
      thumbs: [],
      protected: false,
    });
  });

  it("resets a retyped field to the file options, keeping id and name", () => {
    expect(retype({ id: "f9", name: "doc", type: "text", max: 5, pattern: "x" }, "file")).toEqual({
      id: "f9",
      name: "doc",
      type: "file",
      required: undefined,
      hidden: undefined,
      maxSelect: 1,
      maxSize: 0,
      mimeTypes: [],
      thumbs: [],
      protected: false,
    });
  });

  it("has a control for every option the API's file schema takes beyond the common ones", () => {
    const common = new Set(["id", "name", "type", "system", "hidden", "presentable", "help", "required"]);
    // The field type exposes its schema as a plain zod type; a z.object underneath has a shape.
    const { shape } = fileField.schema as unknown as { shape: Record<string, unknown> };
    const options = Object.keys(shape).filter((k) => !common.has(k));
    expect(OPTIONS_WITH_CONTROLS.file?.slice().sort()).toEqual(options.sort());
  });

  it("keys the API's messages by option, naming the list item, first message per option", () => {
    const errors = {
      name: "Collection name taken.",
      "fields.0.name": "Duplicated name.",
      "fields.2.thumbs.1": "Thumb sizes are WxH, WxHt, WxHb, WxHf, 0xH or Wx0.",
      "fields.2.thumbs.3": "A thumb size needs a width or a height.",
      "fields.2.maxSelect": "Must be no greater than 99.",
      "fields.12.maxSize": "Not this field.",
    };
    expect(optionErrors(errors, 2)).toEqual({
      thumbs: "item 2: Thumb sizes are WxH, WxHt, WxHb, WxHf, 0xH or Wx0.",
      maxSelect: "Must be no greater than 99.",
    });
    expect(optionErrors(errors, 0)).toEqual({ name: "Duplicated name." });
    expect(optionErrors(errors, 1)).toEqual({});
  });

  it("the options the editor sends reach the API schema's checks at the paths optionErrors reads", () => {
    const bad = { ...newField("file", []), maxSelect: 100, thumbs: ["100x100", "big"] };
    const parsed = fileField.schema.safeParse(bad);
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(["maxSelect", "thumbs.1"]);
    const keyed = Object.fromEntries(
      parsed.error?.issues.map((i) => [`fields.0.${i.path.join(".")}`, i.message]) ?? [],
    );
    expect(Object.keys(optionErrors(keyed, 0)).sort()).toEqual(["maxSelect", "thumbs"]);
  });
});

describe("shared file token", () => {
  it("reads a token's expiry, and 0 from a malformed one", () => {
    expect(tokenExpiry(token(1_700_000_000))).toBe(1_700_000_000_000);
    expect(tokenExpiry("garbage")).toBe(0);
    expect(tokenExpiry("a.%%%.c")).toBe(0);
  });

  it("reuses a valid token, shares one request, and asks for a new one near the expiry", async () => {
    let now = 1_000_000_000;
    let issued = 0;
    const source = fileTokenSource(
      async () => token(now / 1000 + 180, ++issued),
      () => now,
    );
    const [a, b] = await Promise.all([source.get(), source.get()]);
    expect(a).toBe(b);
    expect(issued).toBe(1);
    now += 180_000 - RENEW_MARGIN_MS - 1;
    expect(await source.get()).toBe(a);
    expect(issued).toBe(1);
    now += 2;
    const c = await source.get();
    expect(c).not.toBe(a);
    expect(issued).toBe(2);
  });

  it("after a refused preview, replaces an expired token but not a valid one (no request loop)", async () => {
    let now = 0;
    let issued = 0;
    const source = fileTokenSource(
      async () => token(now / 1000 + 180, ++issued),
      () => now,
    );
    const first = await source.get();
    // Several images fail at once for another reason (deleted, not an image): the same token, no request.
    const again = await Promise.all([source.get(), source.get(), source.get()]);
    expect(again).toEqual([first, first, first]);
    expect(issued).toBe(1);
    // An image loading lazily after the expiry: one new token for all of them.
    now += 200_000;
    const renewed = await Promise.all([source.get(), source.get()]);
    expect(renewed[0]).toBe(renewed[1]);
    expect(renewed[0]).not.toBe(first);
    expect(issued).toBe(2);
  });

  it("forgets the token on clear, and a failed request leaves none behind", async () => {
    let fail = true;
    let issued = 0;
    const source = fileTokenSource(
      async () => {
        if (fail) throw new Error("401");
        return token(4_000_000_000, ++issued);
      },
      () => 0,
    );
    await expect(source.get()).rejects.toThrow("401");
    fail = false;
    const a = await source.get();
    source.clear();
    const b = await source.get();
    expect(b).not.toBe(a);
    expect(issued).toBe(2);
  });
});
