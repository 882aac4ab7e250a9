/**
 * The viewRule verdicts of `findViewableFile` through `GET /api/files/…`: two callers in one request (a protected
 * file's token caller; any other file's token caller, or the header's without a valid token), the second read
 * when both rules overflow one SELECT's bound parameters, a rule error confined to the caller whose file is not
 * asked for, and 404s before rule errors.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthRecord } from "../../../src/rules/context";
import { MAX_BOUND_PARAMS } from "../../../src/rules/limits";
import { proxyD1 } from "../../helpers/d1-proxy";
import { app, createCollection, type Json, SUPERUSER, userAuth } from "../../records/harness";
import { BASE, sdkAs, seedAliceAndBob, text } from "./files-helpers";

let alice: Json;
let bob: Json;
const ALICE = () => userAuth(alice.id);
const BOB = () => userAuth(bob.id);

/** `owner = 'lit00' || … ` with `n` string literals: each binds one parameter for every caller. */
const literals = (n: number) =>
  Array.from({ length: n }, (_, i) => `owner = 'lit${String(i).padStart(2, "0")}'`).join(" || ");

// `@request.auth.id` binds one parameter for a signed-in caller and none for a guest (it compiles to `''`).
const OWNER_RULE = "owner = @request.auth.id";
const GUEST_RULE = "@request.auth.id = ''";
// A guest binds 55 parameters, a signed-in caller 56: together over the 99 left after the id, each alone under.
const REREAD_RULE = `${literals(55)} || ${OWNER_RULE}`;
// A guest binds 99 parameters (exactly the budget), a signed-in caller 100: an error for the signed-in one only.
const ERROR_RULE = `${literals(MAX_BOUND_PARAMS - 1)} || ${OWNER_RULE}`;

const FIELDS = [
  { name: "owner", type: "text" },
  { name: "secret", type: "file", protected: true },
  { name: "plain", type: "file" },
];

beforeAll(async () => {
  [alice, bob] = await seedAliceAndBob("v");
  for (const [name, viewRule] of [
    ["verdict_owner", OWNER_RULE],
    ["verdict_guest", GUEST_RULE],
    ["verdict_reread", REREAD_RULE],
    ["verdict_error", ERROR_RULE],
  ]) {
    await createCollection({ name, listRule: viewRule, viewRule, createRule: null, fields: FIELDS });
  }
});

/** A record of `collection` owned by `owner` with a protected and a plain file (created as superuser). */
async function fileRecord(collection: string, owner: string) {
  const rec = await sdkAs(SUPERUSER)
    .collection(collection)
    .create({
      owner,
      secret: new File([text(`secret of ${owner}`)], "s.txt"),
      plain: new File([text(`plain of ${owner}`)], "p.txt"),
    });
  return { id: rec.id as string, secret: rec.secret as string, plain: rec.plain as string };
}

/** A file token of `auth` from `POST /api/files/token`. */
function fileToken(auth: AuthRecord): Promise<string> {
  return sdkAs(auth).files.getToken();
}

/**
 * Downloads `path` with an optional `?token=` and Authorization (test header) caller, through a D1 binding that
 * records every statement prepared; `reads(table)` counts the SELECTs naming `table`.
 */
async function download(path: string, opts: { token?: string; header?: AuthRecord } = {}) {
  const statements: string[] = [];
  const db = proxyD1(env.DB, {
    prepare(real, sql) {
      statements.push(sql);
      return real.prepare(sql);
    },
    batch: (real, list) => real.batch(list),
  });
  const headers: Record<string, string> = opts.header ? { "x-test-auth": JSON.stringify(opts.header) } : {};
  const url = `${BASE}${path}${opts.token === undefined ? "" : `?token=${encodeURIComponent(opts.token)}`}`;
  const res = await app.request(new Request(url, { headers }), undefined, { ...env, DB: db });
  const body = await res.text();
  const reads = (table: string) =>
    statements.filter((sql) => /^\s*SELECT\b/i.test(sql) && sql.includes(`FROM \`${table}\``)).length;
  return { status: res.status, body, json: () => JSON.parse(body) as Json, reads, statements };
}

const FORBIDDEN = { status: 403, message: "Insufficient permissions to access the file resource." };

describe("two callers in one request: a protected file is the token's, another file the header's without a valid token", () => {
  let aliceRec: Awaited<ReturnType<typeof fileRecord>>;

  beforeAll(async () => {
    aliceRec = await fileRecord("verdict_owner", alice.id);
  });

  it("no token and the owner's header: the protected file is a guest's (403), the plain one the owner's (200)", async () => {
    const secret = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.secret}`, {
      header: ALICE(),
    });
    expect(secret.status).toBe(403);
    expect(secret.json()).toMatchObject(FORBIDDEN);
    const plain = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.plain}`, {
      header: ALICE(),
    });
    expect(plain.status).toBe(200);
    expect(plain.body).toBe(`plain of ${alice.id}`);
    // Both verdicts came with the record: one SELECT each.
    expect(secret.reads("verdict_owner")).toBe(1);
    expect(plain.reads("verdict_owner")).toBe(1);
  });

  it("a refused token with the owner's header: the same two callers (guest, owner)", async () => {
    const secret = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.secret}`, {
      token: "not-a-token",
      header: ALICE(),
    });
    expect(secret.status).toBe(403);
    expect(secret.json()).toMatchObject(FORBIDDEN);
    const plain = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.plain}`, {
      token: "not-a-token",
      header: ALICE(),
    });
    expect(plain.status).toBe(200);
    expect(plain.body).toBe(`plain of ${alice.id}`);
  });

  it("a rule only guests pass: the protected file is allowed (guest), the plain one refused (header user) — 404", async () => {
    const rec = await fileRecord("verdict_guest", alice.id);
    const secret = await download(`/api/files/verdict_guest/${rec.id}/${rec.secret}`, { header: BOB() });
    expect(secret.status).toBe(200);
    expect(secret.body).toBe(`secret of ${alice.id}`);
    expect(secret.reads("verdict_guest")).toBe(1);
    const plain = await download(`/api/files/verdict_guest/${rec.id}/${rec.plain}`, { header: BOB() });
    expect(plain.status).toBe(404);
    expect(plain.json()).toMatchObject({ status: 404 });
    expect(plain.reads("verdict_guest")).toBe(1);
  });

  it("the owner's token with another user's header: the token decides the protected file both ways", async () => {
    const aliceToken = await fileToken(ALICE());
    const bobToken = await fileToken(BOB());
    const allowed = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.secret}`, {
      token: aliceToken,
      header: BOB(),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe(`secret of ${alice.id}`);
    const refused = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.secret}`, {
      token: bobToken,
      header: ALICE(),
    });
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject(FORBIDDEN);
  });

  it("with a valid token, the token's caller also decides a plain file (files.ts: tokenCaller ?? header)", async () => {
    // The route prefers a valid token's caller over the header for every file, so both verdicts are one
    // caller's; the header decides a plain file only when there is no valid token (tests above).
    const aliceToken = await fileToken(ALICE());
    const bobToken = await fileToken(BOB());
    const allowed = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.plain}`, {
      token: aliceToken,
      header: BOB(),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe(`plain of ${alice.id}`);
    const refused = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.plain}`, {
      token: bobToken,
      header: ALICE(),
    });
    expect(refused.status).toBe(404);
    expect(refused.json()).toMatchObject({ status: 404 });
  });

  it("an absent token costs no read of the auth collection; a present one reads the token's user", async () => {
    const none = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.plain}`, {
      header: ALICE(),
    });
    expect(none.status).toBe(200);
    expect(none.statements.filter((sql) => sql.includes("`users`"))).toEqual([]);
    const empty = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.plain}`, {
      token: "",
      header: ALICE(),
    });
    expect(empty.status).toBe(200);
    expect(empty.statements.filter((sql) => sql.includes("`users`"))).toEqual([]);
    const token = await fileToken(ALICE());
    const given = await download(`/api/files/verdict_owner/${aliceRec.id}/${aliceRec.plain}`, { token });
    expect(given.status).toBe(200);
    expect(given.statements.filter((sql) => sql.includes("`users`")).length).toBeGreaterThan(0);
  });
});

describe("two rules over one SELECT's parameter budget: the header caller's verdict is a second read", () => {
  let aliceRec: Awaited<ReturnType<typeof fileRecord>>;
  let literalRec: Awaited<ReturnType<typeof fileRecord>>;

  beforeAll(async () => {
    aliceRec = await fileRecord("verdict_reread", alice.id);
    literalRec = await fileRecord("verdict_reread", "lit42");
  });

  it("allows the owner's plain file with two SELECTs (the record with the guest's column, then the reread)", async () => {
    const res = await download(`/api/files/verdict_reread/${aliceRec.id}/${aliceRec.plain}`, {
      header: ALICE(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(`plain of ${alice.id}`);
    expect(res.reads("verdict_reread")).toBe(2);
  });

  it("refuses another user's plain file on the reread: 404", async () => {
    const res = await download(`/api/files/verdict_reread/${aliceRec.id}/${aliceRec.plain}`, {
      header: BOB(),
    });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ status: 404 });
    expect(res.reads("verdict_reread")).toBe(2);
  });

  it("allows a record one of the literals matches on the reread", async () => {
    const res = await download(`/api/files/verdict_reread/${literalRec.id}/${literalRec.plain}`, {
      header: BOB(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe("plain of lit42");
    expect(res.reads("verdict_reread")).toBe(2);
  });

  it("decides the protected file from the first SELECT's column (the guest's rule fitted): 403 / 200", async () => {
    const refused = await download(`/api/files/verdict_reread/${aliceRec.id}/${aliceRec.secret}`, {
      header: ALICE(),
    });
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject(FORBIDDEN);
    expect(refused.reads("verdict_reread")).toBe(1);
    const allowed = await download(`/api/files/verdict_reread/${literalRec.id}/${literalRec.secret}`, {
      header: BOB(),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe("secret of lit42");
    expect(allowed.reads("verdict_reread")).toBe(1);
  });

  it("one caller (the token's) needs no reread: its 56 parameters fit with the id", async () => {
    const token = await fileToken(ALICE());
    const res = await download(`/api/files/verdict_reread/${aliceRec.id}/${aliceRec.secret}`, {
      token,
      header: BOB(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(`secret of ${alice.id}`);
    expect(res.reads("verdict_reread")).toBe(1);
  });
});

describe("a rule error for one caller only", () => {
  let aliceRec: Awaited<ReturnType<typeof fileRecord>>;
  let literalRec: Awaited<ReturnType<typeof fileRecord>>;

  beforeAll(async () => {
    aliceRec = await fileRecord("verdict_error", alice.id);
    literalRec = await fileRecord("verdict_error", "lit07");
  });

  it("does not fail a protected file decided by the other caller (the guest's 99 parameters fit)", async () => {
    const allowed = await download(`/api/files/verdict_error/${literalRec.id}/${literalRec.secret}`, {
      header: ALICE(),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe("secret of lit07");
    const refused = await download(`/api/files/verdict_error/${aliceRec.id}/${aliceRec.secret}`, {
      header: ALICE(),
    });
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject(FORBIDDEN);
  });

  it("is the answer for the file its caller decides: a 400 naming the rule's parameter limit", async () => {
    const res = await download(`/api/files/verdict_error/${literalRec.id}/${literalRec.plain}`, {
      header: ALICE(),
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      status: 400,
      data: { rule: { code: "validation_filter_limit" } },
    });
    expect(res.json().message).toContain("100 bound parameters (limit 99)");
  });

  it("is the answer for every file when one caller (a token) decides both", async () => {
    const token = await fileToken(ALICE());
    const res = await download(`/api/files/verdict_error/${literalRec.id}/${literalRec.secret}`, { token });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, data: { rule: { code: "validation_filter_limit" } } });
  });
});

describe("a missing record or file is a 404 before any rule error", () => {
  let rec: Awaited<ReturnType<typeof fileRecord>>;
  let token: string;

  beforeAll(async () => {
    rec = await fileRecord("verdict_error", alice.id);
    token = await fileToken(ALICE());
  });

  it.each([
    ["a missing record, plain file name, header caller", () => `missingrecord01/${rec.plain}`, "header"],
    ["a missing record, protected file name, token caller", () => `missingrecord01/${rec.secret}`, "token"],
    ["a name the record does not hold, header caller", () => `${rec.id}/nothere_abcdefghij.txt`, "header"],
    ["a name the record does not hold, token caller", () => `${rec.id}/nothere_abcdefghij.txt`, "token"],
    [
      "a near-miss of the record's file name, token caller",
      () => `${rec.id}/${rec.plain.replace(/\./, "x.")}`,
      "token",
    ],
    ["an unsafe file name, header caller", () => `${rec.id}/..%2Fsecret.txt`, "header"],
  ])("%s", async (_, path, who) => {
    const res = await download(
      `/api/files/verdict_error/${path()}`,
      who === "token" ? { token, header: BOB() } : { header: ALICE() },
    );
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ status: 404 });
  });

  it("a missing collection is a 404 too", async () => {
    const res = await download(`/api/files/verdict_nothere/${rec.id}/${rec.plain}`, {
      token,
      header: ALICE(),
    });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ status: 404 });
  });
});
