/** Tracked file deletions: dropped fields, collections and truncates delete their objects, and R2 failures are retried. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { everyFault, FaultyD1 } from "../helpers/faulty-d1";
import { FaultyR2 } from "../helpers/faulty-r2";
import { keysUnder, text } from "../http/routes/files-helpers";
import { app, call, createCollection, type Json, SUPERUSER } from "../records/harness";

const faulty = new FaultyR2(env.FILES);

/** A request as superuser through the app with the fault-injecting bucket. */
async function faultedCall(method: string, path: string, body?: FormData | Json) {
  const headers: Record<string, string> = { "x-test-auth": JSON.stringify(SUPERUSER) };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["content-type"] = "application/json";
  }
  const res = await app.request(
    `http://edgebase.test${path}`,
    { method, headers, body: payload },
    { ...env, FILES: faulty.binding },
  );
  const raw = await res.text();
  return { status: res.status, body: (raw ? JSON.parse(raw) : null) as Json };
}

/** Waits for a background drain (the test app has no waitUntil: its promise simply runs on). */
async function until(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

async function rowsFor(prefix: string): Promise<Json[]> {
  const { results } = await env.DB.prepare(
    "SELECT target, prefix, attempts, lastError FROM _fileDeletions ORDER BY id",
  ).all<Json>();
  return results.filter((r) => String(r.target).startsWith(prefix));
}

function files(parts: Record<string, string[]>): FormData {
  const form = new FormData();
  for (const [field, names] of Object.entries(parts))
    for (const name of names) form.append(field, new File([text(name)], name));
  return form;
}

async function create(collection: string, parts: Record<string, string[]>): Promise<Json> {
  const res = await faultedCall("POST", `/api/collections/${collection}/records`, files(parts));
  expect(res.status).toBe(200);
  return res.body;
}

/** PATCHes a collection's fields through `edit` (fields replace the whole list). */
async function editFields(name: string, edit: (fields: Json[]) => Json[]) {
  const current = await call(SUPERUSER, "GET", `/api/collections/${name}`);
  return faultedCall("PATCH", `/api/collections/${name}`, { fields: edit(current.body.fields) });
}

async function runFilesCron(): Promise<void> {
  expect((await call(SUPERUSER, "POST", "/api/crons/__filesCleanup__")).status).toBe(204);
}

describe("deleting a file field", () => {
  let coll: { id: string };
  beforeAll(async () => {
    coll = await createCollection({
      name: "dropfield",
      fields: [
        { name: "gone", type: "file", maxSelect: 3 },
        { name: "kept", type: "file" },
        { name: "shrunk", type: "file", maxSelect: 3 },
      ],
    });
  });

  it("deletes its files and their thumbs in the background; other fields' files stay", async () => {
    const one = await create("dropfield", { gone: ["a.txt", "b.txt"], kept: ["k.txt"] });
    const two = await create("dropfield", { gone: ["c.txt"] });
    const thumb = `${coll.id}/${one.id}/thumbs_${one.gone[0]}/10x10_${one.gone[0]}`;
    await env.FILES.put(thumb, "t");
    const res = await editFields("dropfield", (fields) => fields.filter((f) => f.name !== "gone"));
    expect(res.status).toBe(200);
    const keep = [`${coll.id}/${one.id}/${one.kept}`];
    expect(await until(async () => (await keysUnder(`${coll.id}/`)).length === 1)).toBe(true);
    expect(await keysUnder(`${coll.id}/`)).toEqual(keep);
    expect(await keysUnder(`${coll.id}/${two.id}/`)).toEqual([]);
    expect(await until(async () => (await rowsFor(`${coll.id}/`)).length === 0)).toBe(true);
  });

  it("shrinking maxSelect to one is refused (the schema engine keeps every name); nothing is deleted", async () => {
    const rec = await create("dropfield", { shrunk: ["x.txt", "y.txt"] });
    const res = await editFields("dropfield", (fields) =>
      fields.map((f) => (f.name === "shrunk" ? { ...f, maxSelect: 1 } : f)),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.data)).toContain("validation_field_type_change");
    expect(await keysUnder(`${coll.id}/${rec.id}/`)).toHaveLength(2);
    expect(await rowsFor(`${coll.id}/${rec.id}/`)).toEqual([]);
  });

  it("retyping a file field to text keeps the names as text and deletes the files", async () => {
    const rec = await create("dropfield", { shrunk: ["t1.txt", "t2.txt"] });
    const res = await editFields("dropfield", (fields) =>
      fields.map((f) => (f.name === "shrunk" ? { id: f.id, name: "shrunk", type: "text" } : f)),
    );
    expect(res.status).toBe(200);
    const after = await call(SUPERUSER, "GET", `/api/collections/dropfield/records/${rec.id}`);
    expect(JSON.parse(after.body.shrunk)).toEqual(rec.shrunk);
    expect(await until(async () => (await keysUnder(`${coll.id}/${rec.id}/`)).length === 0)).toBe(true);
  });
});

describe("deleting or truncating a collection", () => {
  it("a deleted collection's objects all go, untracked strays and thumbs included", async () => {
    const coll = await createCollection({ name: "dropcoll", fields: [{ name: "f", type: "file" }] });
    const rec = await create("dropcoll", { f: ["one.txt"] });
    await env.FILES.put(`${coll.id}/${rec.id}/thumbs_${rec.f}/1x1_${rec.f}`, "t");
    await env.FILES.put(`${coll.id}/strayrecord0001/stray_abcdefghij.txt`, "s");
    expect((await faultedCall("DELETE", "/api/collections/dropcoll")).status).toBe(204);
    expect(await until(async () => (await keysUnder(`${coll.id}/`)).length === 0)).toBe(true);
    expect(await until(async () => (await rowsFor(`${coll.id}/`)).length === 0)).toBe(true);
  });

  it("a truncate deletes every record's files; the collection keeps working", async () => {
    const coll = await createCollection({
      name: "truncfiles",
      fields: [
        { name: "one", type: "file" },
        { name: "many", type: "file", maxSelect: 5 },
      ],
    });
    await create("truncfiles", { one: ["a.txt"], many: ["b.txt", "c.txt"] });
    await create("truncfiles", { many: ["d.txt"] });
    expect(await keysUnder(`${coll.id}/`)).toHaveLength(4);
    expect((await faultedCall("DELETE", "/api/collections/truncfiles/truncate")).status).toBe(204);
    expect(await until(async () => (await keysUnder(`${coll.id}/`)).length === 0)).toBe(true);
    const after = await create("truncfiles", { one: ["e.txt"] });
    expect(await keysUnder(`${coll.id}/`)).toEqual([`${coll.id}/${after.id}/${after.one}`]);
  });
});

describe("R2 failing during tracked deletions", () => {
  it("the rows stay with their error; the files cron finishes the job", async () => {
    const coll = await createCollection({
      name: "faildrop",
      fields: [
        { name: "gone", type: "file", maxSelect: 2 },
        { name: "kept", type: "file" },
      ],
    });
    const rec = await create("faildrop", { gone: ["a.txt", "b.txt"], kept: ["k.txt"] });
    faulty.faults = { delete: true };
    const res = await editFields("faildrop", (fields) => fields.filter((f) => f.name !== "gone"));
    expect(res.status).toBe(200);
    const failed = async () => {
      const rows = await rowsFor(`${coll.id}/`);
      return rows.length === 2 && rows.every((r) => r.attempts >= 1);
    };
    expect(await until(failed)).toBe(true);
    faulty.faults = {};
    const rows = await rowsFor(`${coll.id}/`);
    expect(rows.map((r) => r.target).sort()).toEqual(
      rec.gone.map((n: string) => `${coll.id}/${rec.id}/${n}`).sort(),
    );
    expect(rows.every((r) => r.lastError === "injected R2 delete failure" && r.prefix === 0)).toBe(true);
    expect(await keysUnder(`${coll.id}/`)).toHaveLength(3);
    await runFilesCron();
    expect(await until(async () => (await rowsFor(`${coll.id}/`)).length === 0)).toBe(true);
    // The sweep leaves objects younger than an hour: these went through the tracked rows.
    expect(await keysUnder(`${coll.id}/`)).toEqual([`${coll.id}/${rec.id}/${rec.kept}`]);
  });

  it("a collection prefix is retried by the cron, which spares objects uploaded after the deletion", async () => {
    const coll = await createCollection({ name: "failcoll", fields: [{ name: "f", type: "file" }] });
    const rec = await create("failcoll", { f: ["old.txt"] });
    faulty.faults = { delete: true };
    expect((await faultedCall("DELETE", "/api/collections/failcoll")).status).toBe(204);
    expect(await until(async () => (await rowsFor(`${coll.id}/`))[0]?.attempts >= 1)).toBe(true);
    faulty.faults = {};
    expect(await rowsFor(`${coll.id}/`)).toMatchObject([{ target: `${coll.id}/`, prefix: 1 }]);
    // An object under the same id written after the deletion (a collection re-imported with its id) is kept.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = `${coll.id}/newrecord000001/new_abcdefghij.txt`;
    await env.FILES.put(newer, "n");
    await runFilesCron();
    expect(await until(async () => (await rowsFor(`${coll.id}/`)).length === 0)).toBe(true);
    expect(await keysUnder(`${coll.id}/${rec.id}/`)).toEqual([]);
    expect(await keysUnder(`${coll.id}/`)).toEqual([newer]);
  });

  it("a record delete whose R2 delete fails is tracked, and the cron deletes its objects", async () => {
    const coll = await createCollection({ name: "failrec", fields: [{ name: "f", type: "file" }] });
    const rec = await create("failrec", { f: ["r.txt"] });
    faulty.faults = { delete: true };
    expect((await faultedCall("DELETE", `/api/collections/failrec/records/${rec.id}`)).status).toBe(204);
    faulty.faults = {};
    expect(await rowsFor(`${coll.id}/`)).toMatchObject([{ target: `${coll.id}/${rec.id}/`, prefix: 1 }]);
    expect(await keysUnder(`${coll.id}/${rec.id}/`)).toHaveLength(1);
    await runFilesCron();
    expect(await until(async () => (await keysUnder(`${coll.id}/${rec.id}/`)).length === 0)).toBe(true);
    expect(await until(async () => (await rowsFor(`${coll.id}/`)).length === 0)).toBe(true);
  });

  it("a replaced file whose R2 delete fails is tracked as its key, thumbs included", async () => {
    const coll = await createCollection({ name: "failupd", fields: [{ name: "f", type: "file" }] });
    const rec = await create("failupd", { f: ["first.txt"] });
    const thumb = `${coll.id}/${rec.id}/thumbs_${rec.f}/5x5_${rec.f}`;
    await env.FILES.put(thumb, "t");
    faulty.faults = { delete: true };
    const res = await faultedCall(
      "PATCH",
      `/api/collections/failupd/records/${rec.id}`,
      files({ f: ["second.txt"] }),
    );
    faulty.faults = {};
    expect(res.status).toBe(200);
    expect(await rowsFor(`${coll.id}/`)).toMatchObject([
      { target: `${coll.id}/${rec.id}/${rec.f}`, prefix: 0 },
    ]);
    await runFilesCron();
    expect(await until(async () => (await keysUnder(`${coll.id}/`)).length === 1)).toBe(true);
    expect(await keysUnder(`${coll.id}/`)).toEqual([`${coll.id}/${rec.id}/${res.body.f}`]);
  });
});

describe("tracking commits with the change", () => {
  it("a D1 batch failing at any statement of a field drop leaves the field and no tracked rows", async () => {
    const d1 = new FaultyD1(env.DB);
    // No bucket: nothing drains the rows, so the state after the call is exactly what the batch wrote.
    const bindings = { ...env, DB: d1.binding, FILES: undefined } as unknown as typeof env;
    const setUp = async (n: number) => {
      const name = `atomic${n}`;
      const coll = await createCollection({
        name,
        fields: [
          { name: "title", type: "text" },
          { name: "f", type: "file", maxSelect: 2 },
        ],
      });
      await env.DB.prepare(`INSERT INTO ${name} (id, title, f) VALUES ('atomicrecord001', 't', ?)`)
        .bind(JSON.stringify(["a_abcdefghij.txt", "b_abcdefghij.txt"]))
        .run();
      const current = await call(SUPERUSER, "GET", `/api/collections/${name}`);
      const fields = current.body.fields.filter((f: Json) => f.name !== "f");
      const patch = async () => {
        const res = await app.request(
          `http://edgebase.test/api/collections/${name}`,
          {
            method: "PATCH",
            headers: { "content-type": "application/json", "x-test-auth": JSON.stringify(SUPERUSER) },
            body: JSON.stringify({ fields }),
          },
          bindings,
        );
        return { status: res.status, body: (await res.json()) as Json };
      };
      const state = async () => {
        const columns = await env.DB.prepare("SELECT name FROM pragma_table_info(?)").bind(name).all<Json>();
        const dropped = !columns.results.some((c) => c.name === "f");
        const rows = await rowsFor(`${coll.id}/`);
        if (dropped && rows.length === 2) return "all";
        if (!dropped && rows.length === 0) return "none";
        return `half: dropped ${dropped}, ${rows.length} rows`;
      };
      return { patch, state };
    };
    const probe = await setUp(0);
    d1.arm(null);
    expect((await probe.patch()).status).toBe(200);
    expect(await probe.state()).toBe("all");
    const plans = everyFault(d1.calls);
    expect(plans.length).toBeGreaterThan(0);
    for (const [i, plan] of plans.entries()) {
      const run = await setUp(i + 1);
      d1.arm(plan);
      const res = await run.patch();
      expect(d1.fired, `fault ${JSON.stringify(plan)} never fired`).toBe(true);
      d1.arm(null);
      const where = `fault ${JSON.stringify(plan)} → ${res.status}`;
      expect(await run.state(), where).toBe(res.status < 300 ? "all" : "none");
      if (res.status >= 300) expect(res.body, where).toMatchObject({ status: res.status });
    }
  });
});
