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
