import { describe, expect, it } from "vitest";
import { call, SUPERUSER } from "../../records/harness";

const get = (name: string) => call(SUPERUSER, "GET", `/api/collections/${name}`);
const patch = (name: string, body: unknown, ifMatch?: string) =>
  call(SUPERUSER, "PATCH", `/api/collections/${name}`, body, ifMatch ? { "if-match": ifMatch } : {});

describe("collection ETags and If-Match (issue 24 #3)", () => {
  it("GET, POST and PATCH carry the ETag; a stale If-Match is 412 and changes nothing", async () => {
    const created = await call(SUPERUSER, "POST", "/api/collections", {
      name: "ce_one",
      type: "base",
      fields: [{ name: "a", type: "text" }],
    });
    expect(created.status).toBe(200);
    const first = await get("ce_one");
    expect(first.headers.get("etag")).toMatch(/^W\/"[0-9a-f]{24}"$/);
    expect(created.headers.get("etag")).toBe(first.headers.get("etag"));
    const etag = first.headers.get("etag") as string;

    const withB = await patch(
      "ce_one",
      { fields: [...first.body.fields, { name: "b", type: "text" }] },
      etag,
    );
    expect(withB.status).toBe(200);
    expect(withB.headers.get("etag")).not.toBe(etag);
    expect(withB.headers.get("etag")).toBe((await get("ce_one")).headers.get("etag"));

    // A second editor still holding the first version would drop b: refused.
    const stale = await patch(
      "ce_one",
      { fields: [...first.body.fields, { name: "c", type: "text" }] },
      etag,
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, message: expect.any(String) });
    const names = (await get("ce_one")).body.fields.map((f: { name: string }) => f.name);
    expect(names).toContain("b");
    expect(names).not.toContain("c");

    // Without If-Match, PATCH stays PocketBase's last-writer-wins; `*` matches any version.
    expect((await patch("ce_one", { listRule: "" })).status).toBe(200);
    expect((await patch("ce_one", { viewRule: "" }, "*")).status).toBe(200);
  });

  it("20 parallel read-modify-write 'add one field' edits with If-Match lose no field that got a 200", async () => {
    await call(SUPERUSER, "POST", "/api/collections", { name: "ce_many", type: "base", fields: [] });
    const statuses: number[] = [];
    const addField = async (name: string): Promise<boolean> => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const current = await get("ce_many");
        const res = await patch(
          "ce_many",
          { fields: [...current.body.fields, { name, type: "text" }] },
          current.headers.get("etag") as string,
        );
        statuses.push(res.status);
        if (res.status === 200) return true;
        expect([409, 412]).toContain(res.status);
      }
      return false;
    };
    const names = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const won = await Promise.all(names.map(addField));
    const final = (await get("ce_many")).body.fields.map((f: { name: string }) => f.name);
    const acknowledged = names.filter((_, i) => won[i]);
    for (const name of acknowledged) expect(final).toContain(name);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    // The race happened: some edits were refused as stale and retried.
    expect(statuses.filter((s) => s === 412).length).toBeGreaterThan(0);
  });
});

describe("the schema ETag and imports with If-Match (what `edgebase schema push` sends)", () => {
  const list = () => call(SUPERUSER, "GET", "/api/collections?perPage=200");
  const importWith = (body: unknown, ifMatch?: string) =>
    call(SUPERUSER, "PUT", "/api/collections/import", body, ifMatch ? { "if-match": ifMatch } : {});

  it("an import built from an older read is a 412 and changes nothing; a fresh one applies", async () => {
    await call(SUPERUSER, "POST", "/api/collections", {
      name: "ce_import",
      type: "base",
      fields: [{ name: "a", type: "text" }],
    });
    const read = await list();
    const etag = read.headers.get("x-edgebase-schema-etag") as string;
    expect(etag).toMatch(/^"[A-Za-z0-9]{16}"$/);
    const mine = read.body.items.find((c: { name: string }) => c.name === "ce_import");

    // Another editor adds a field after our read.
    const other = await get("ce_import");
    expect(
      (await patch("ce_import", { fields: [...other.body.fields, { name: "theirs", type: "text" }] })).status,
    ).toBe(200);

    const stale = await importWith(
      { collections: [{ ...mine, fields: [...mine.fields, { name: "ours", type: "text" }] }] },
      etag,
    );
    expect(stale.status).toBe(412);
    let names = (await get("ce_import")).body.fields.map((f: { name: string }) => f.name);
    expect(names).toContain("theirs");
    expect(names).not.toContain("ours");

    const fresh = await list();
    const current = fresh.body.items.find((c: { name: string }) => c.name === "ce_import");
    const applied = await importWith(
      { collections: [{ ...current, fields: [...current.fields, { name: "ours", type: "text" }] }] },
      fresh.headers.get("x-edgebase-schema-etag") as string,
    );
    expect(applied.status).toBe(204);
    // The import answers with the schema ETag it left, ready for the next guarded import.
    const after = applied.headers.get("x-edgebase-schema-etag");
    expect(after).not.toBe(fresh.headers.get("x-edgebase-schema-etag"));
    expect(after).toBe((await list()).headers.get("x-edgebase-schema-etag"));
    names = (await get("ce_import")).body.fields.map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(["theirs", "ours"]));
  });
});
