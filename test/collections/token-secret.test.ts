import { describe, expect, it } from "vitest";
import {
  type AuthCollection,
  createCollection,
  getCollection,
  rotateTokenSecret,
  updateCollection,
} from "../../src/collections";
import { apiError, deps } from "./helpers";

const d = deps();

describe("rotateTokenSecret", () => {
  it("replaces the secret of one auth collection only", async () => {
    const before = (await getCollection(d, "users")) as AuthCollection;
    const other = (await getCollection(d, "_superusers")) as AuthCollection;
    await rotateTokenSecret(d, "users");
    const after = (await getCollection(deps(), "users")) as AuthCollection;
    expect(after.tokenSecret).toMatch(/^[A-Za-z0-9]{50}$/);
    expect(after.tokenSecret).not.toBe(before.tokenSecret);
    expect(((await getCollection(deps(), "_superusers")) as AuthCollection).tokenSecret).toBe(
      other.tokenSecret,
    );
  });

  it("refuses base collections and unknown ones", async () => {
    await createCollection(d, { name: "plain" });
    expect((await apiError(() => rotateTokenSecret(d, "plain"))).status).toBe(400);
    expect((await apiError(() => rotateTokenSecret(d, "nope"))).status).toBe(404);
  });

  it("keeps the secret across ordinary updates", async () => {
    const before = (await getCollection(d, "users")) as AuthCollection;
    await updateCollection(d, { idOrName: "users", body: { listRule: "", tokenSecret: "chosen-by-client" } });
    expect(((await getCollection(deps(), "users")) as AuthCollection).tokenSecret).toBe(before.tokenSecret);
  });
});
