import { beforeAll, describe, expect, it } from "vitest";
import { createCollection, getCollection, listCollections } from "../../src/collections";
import { apiError, deps } from "./helpers";

const d = deps();

beforeAll(async () => {
  for (const name of ["alpha", "beta", "gamma"])
    await createCollection(d, { name, listRule: name === "beta" ? "" : null });
});

describe("listCollections", () => {
  it("pages in creation order with totals", async () => {
    // Non-system collections only: the system ones grow as features add them (`_mfas`, …).
    const page = await listCollections(d, { page: "2", perPage: "2", filter: "system = false" });
    expect(page).toMatchObject({ page: 2, perPage: 2, totalItems: 4, totalPages: 2 });
    expect(page.items.map((c) => c.name)).toEqual(["beta", "gamma"]);
  });

  it("sorts, filters and skips the total", async () => {
    const page = await listCollections(d, {
      sort: "-name",
      filter: "system = false && name ~ 'a'",
      skipTotal: "1",
    });
    expect(page.items.map((c) => c.name)).toEqual(["gamma", "beta", "alpha"]);
    expect([page.totalItems, page.totalPages]).toEqual([-1, -1]);
    const picked = await listCollections(d, { filter: "(name = 'beta' || name = 'gamma') && created != ''" });
    expect(picked.items.map((c) => c.name)).toEqual(["beta", "gamma"]);
  });

  it("never returns token secrets", async () => {
    const page = await listCollections(d, { filter: "type = 'auth'", sort: "name" });
    expect(page.items.map((c) => c.name)).toEqual(["_superusers", "users"]);
    for (const c of page.items) expect(JSON.stringify(c)).not.toContain("tokenSecret");
    expect(
      (await getCollection(d, "users")).type === "auth" && (await getCollection(d, "users")),
    ).toHaveProperty("tokenSecret");
  });

  it.each([
    [{ page: "0" }, "page"],
    [{ perPage: "5000" }, "perPage"],
    [{ sort: "nope" }, "sort"],
    [{ sort: "a,b,c,d,e,f,g,h,i" }, "sort"],
    [{ filter: "nope = 1" }, "filter"],
    [{ filter: "name = " }, "filter"],
    [{ filter: "@request.auth.id != ''" }, "filter"],
  ])("rejects %j with a 400 naming %s", async (query, path) => {
    const err = await apiError(() => listCollections(d, query));
    expect(err.status).toBe(400);
    expect(Object.keys(err.data)).toEqual([path]);
  });
});
