/** A rule-guarded file download reads its record once: the viewRule's verdict comes back with the file columns. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthRecord } from "../../../src/rules/context";
import { proxyD1 } from "../../helpers/d1-proxy";
import { app, createCollection, userAuth } from "../../records/harness";
import { BASE, sdkAs, text } from "./files-helpers";

const OWNER = userAuth("ownerone0000001");
const OTHER = userAuth("otherone0000001");

beforeAll(async () => {
  await createCollection({
    name: "one_read_grants",
    listRule: "",
    viewRule: "",
    createRule: "",
    fields: [
      { name: "doc", type: "text" },
      { name: "user", type: "text" },
    ],
  });
  for (const [name, viewRule] of [
    ["one_read", "owner = @request.auth.id"],
    // A rule with joins: its term is an `id IN (SELECT …)` subquery inside the computed column.
    [
      "one_read_joined",
      "@collection.one_read_grants.doc ?= id && @collection.one_read_grants.user ?= @request.auth.id",
    ],
  ]) {
    await createCollection({
      name,
      listRule: viewRule,
      viewRule,
      createRule: "",
      fields: [
        { name: "owner", type: "text" },
        { name: "secret", type: "file", protected: true },
        { name: "plain", type: "file" },
      ],
    });
  }
});

/** Fetches `path` as `auth` through a D1 binding that records the SELECTs naming `table`. */
async function download(path: string, auth: AuthRecord | null, table: string) {
  const selects: string[] = [];
  const db = proxyD1(env.DB, {
    prepare(real, sql) {
      if (/^\s*SELECT\b/i.test(sql) && sql.includes(`FROM \`${table}\``)) selects.push(sql);
      return real.prepare(sql);
    },
    batch: (real, statements) => real.batch(statements),
  });
  const headers: Record<string, string> = auth ? { "x-test-auth": JSON.stringify(auth) } : {};
  const res = await app.request(new Request(BASE + path, { headers }), undefined, { ...env, DB: db });
  return { status: res.status, body: await res.text(), selects };
}

describe.each(["one_read", "one_read_joined"])("a download from %s", (name) => {
  let id: string;
  let plain: string;
  let secret: string;

  beforeAll(async () => {
    const rec = await sdkAs(OWNER)
      .collection(name)
      .create({
        owner: OWNER.id,
        plain: new File([text("plain bytes")], "p.txt"),
        secret: new File([text("secret bytes")], "s.txt"),
      });
    ({ id, plain, secret } = rec);
    await sdkAs(OWNER).collection("one_read_grants").create({ doc: id, user: OWNER.id });
  });

  it("runs one SELECT on the collection's table for a caller passing the rule", async () => {
    const res = await download(`/api/files/${name}/${id}/${plain}`, OWNER, name);
    expect(res.status).toBe(200);
    expect(res.body).toBe("plain bytes");
    expect(res.selects).toHaveLength(1);
  });

  it("refuses a caller failing the rule with one SELECT: 404 for a plain file, 403 for a protected one", async () => {
    for (const auth of [OTHER, null]) {
      const refused = await download(`/api/files/${name}/${id}/${plain}`, auth, name);
      expect(refused.status).toBe(404);
      expect(refused.selects).toHaveLength(1);
    }
    // The header names the owner, but a protected file's caller is the (absent) file token's.
    const noToken = await download(`/api/files/${name}/${id}/${secret}`, OWNER, name);
    expect(noToken.status).toBe(403);
    expect(noToken.selects).toHaveLength(1);
  });

  it("still 404s a missing record or a name the record does not hold", async () => {
    expect((await download(`/api/files/${name}/missingrecord01/${plain}`, OWNER, name)).status).toBe(404);
    expect((await download(`/api/files/${name}/${id}/nothere_abcdefghij.txt`, OWNER, name)).status).toBe(404);
  });
});
