/** The pocketbase SDK observes PocketBase's behaviour in the details (issue 22): one case per parity fix. */
import { env } from "cloudflare:workers";
import type PocketBase from "pocketbase";
import { ClientResponseError } from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { createSuperuser, PASSWORD, signUp } from "../http/routes/auth-helpers";
import { sdkClient } from "./sdk-client";

const client = sdkClient;

async function asRoot(): Promise<PocketBase> {
  const pb = client();
  await pb.collection("_superusers").authWithPassword("root@parity.test", PASSWORD);
  return pb;
}

let userId: string;

beforeAll(async () => {
  userId = await signUp("parity@example.com", { name: "Parity" });
  await createSuperuser("root@parity.test");
  const root = await asRoot();
  await root.collections.create({
    name: "notes",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "secret", type: "text", hidden: true },
      { name: "n", type: "number" },
    ],
  });
  const many = Array.from({ length: 12 }, (_, i) => ({ title: `n${i}` }));
  const batch = root.createBatch();
  for (const body of many) batch.collection("notes").create(body);
  await batch.send();
});

describe("record writes", () => {
  it("keys that are not fields are ignored, as PocketBase does (a record round-trips with UI props)", async () => {
    const pb = client();
    const created = await pb.collection("notes").create({ title: "round", uiSelected: true, "ghost+": 1 });
    expect(created.title).toBe("round");
    expect(created).not.toHaveProperty("uiSelected");
    const again = await pb.collection("notes").update(created.id, { ...created, title: "trip", _dirty: 1 });
    expect(again.title).toBe("trip");
  });

  it("hidden fields sent by non-superusers are dropped; superusers set them", async () => {
    const pb = client();
    const created = await pb.collection("notes").create({ title: "h", secret: "guest" });
    const root = await asRoot();
    expect((await root.collection("notes").getOne(created.id)).secret).toBe("");
    await pb.collection("notes").update(created.id, { secret: "guest again" });
    expect((await root.collection("notes").getOne(created.id)).secret).toBe("");
    await root.collection("notes").update(created.id, { secret: "root" });
    expect((await root.collection("notes").getOne(created.id)).secret).toBe("root");
    expect(await pb.collection("notes").getOne(created.id)).not.toHaveProperty("secret");
  });
});

describe("list parameters", () => {
  it("perPage over the maximum and page 0 are clamped, not a 400", async () => {
    const pb = client();
    const big = await pb.collection("notes").getList(0, 5000);
    expect(big.page).toBe(1);
    expect(big.perPage).toBe(1000);
    expect(big.items.length).toBe(big.totalItems);
    const zero = await pb.collection("notes").getList(1, 0);
    expect(zero.perPage).toBe(30);
    await expect(pb.send("/api/collections/notes/records?page=x", {})).rejects.toMatchObject({ status: 400 });
  });
});

describe("?fields= on every JSON response", () => {
  it("picks token and record.id from an auth response", async () => {
    const pb = client();
    const res = await pb.send("/api/collections/users/auth-with-password", {
      method: "POST",
      body: { identity: "parity@example.com", password: PASSWORD },
      query: { fields: "token,record.id" },
    });
    expect(Object.keys(res).sort()).toEqual(["record", "token"]);
    expect(res.record).toEqual({ id: userId });
    const auth = await pb
      .collection("users")
      .authWithPassword("parity@example.com", PASSWORD, { fields: "token,record.id,record.name" });
    expect(auth.record).toEqual({ id: userId, name: "Parity" });
  });

  it("picks items of a collection list and keys of a single collection; excerpts apply", async () => {
    const root = await asRoot();
    const list = await root.collections.getList(1, 50, { fields: "name" });
    expect(list.items.every((c) => Object.keys(c).join() === "name")).toBe(true);
    expect(list.page).toBe(1);
    const one = await root.collections.getOne("notes", { fields: "id,name,fields.name" });
    expect(Object.keys(one).sort()).toEqual(["fields", "id", "name"]);
    expect(one.fields.map((f: { name: string }) => f.name)).toContain("secret");
    expect(Object.keys(one.fields[0] ?? {}).join()).toBe("name");
    const excerpt = await root.collections.getOne("notes", { fields: "name:excerpt(2,true)" });
    expect(excerpt).toEqual({ name: "no..." });
  });

  it("a bad fields value is a 400 and the request does nothing", async () => {
    const pb = client();
    const before = await env.DB.prepare("SELECT count(*) AS n FROM notes").first<{ n: number }>();
    await expect(pb.collection("notes").create({ title: "never" }, { fields: "a b" })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      pb.collection("users").authWithPassword("parity@example.com", PASSWORD, { fields: "x(" }),
    ).rejects.toMatchObject({ status: 400 });
    const after = await env.DB.prepare("SELECT count(*) AS n FROM notes").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});

describe("auth", () => {
  it("password auth disabled on a collection answers 403", async () => {
    const root = await asRoot();
    await root.collections.create({
      name: "members",
      type: "auth",
      createRule: "",
      passwordAuth: { enabled: false, identityFields: ["email"] },
    });
    await root
      .collection("members")
      .create({ email: "m@example.com", password: PASSWORD, passwordConfirm: PASSWORD });
    const pb = client();
    try {
      await pb.collection("members").authWithPassword("m@example.com", PASSWORD);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ClientResponseError);
      expect((err as ClientResponseError).status).toBe(403);
    }
  });
});
