/** R2 failing around record writes: nothing half-written, and what a failed delete leaves is swept later. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CollectionStore } from "../../src/collections/store";
import { SWEEP_CURSOR_KEY, sweepFromLastCursor } from "../../src/records/file-sweep";
import { FaultyR2 } from "../helpers/faulty-r2";
import { keysUnder, text } from "../http/routes/files-helpers";
import { app, call, createCollection, type Json, SUPERUSER } from "../records/harness";

const faulty = new FaultyR2(env.FILES);
let coll: { id: string };

async function faultedCall(method: string, path: string, body?: FormData) {
  const res = await app.request(
    `http://edgebase.test${path}`,
    { method, headers: { "x-test-auth": JSON.stringify(SUPERUSER) }, body },
    { ...env, FILES: faulty.binding },
  );
  const raw = await res.text();
  return { status: res.status, body: (raw ? JSON.parse(raw) : null) as Json };
}

async function count(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM r2docs").first<{ n: number }>();
  return row?.n ?? -1;
}

beforeAll(async () => {
  coll = await createCollection({
    name: "r2docs",
    fields: [
      { name: "title", type: "text" },
      { name: "files", type: "file", maxSelect: 5 },
    ],
  });
});

describe("R2 failures", () => {
  it("a failing put during a multipart create leaves neither a record nor an object", async () => {
    const form = new FormData();
    form.append("title", "t");
    form.append("files", new File([text("a")], "a.txt"));
    form.append("files", new File([text("b")], "b.txt"));
    faulty.faults = { put: true };
    const res = await faultedCall("POST", "/api/collections/r2docs/records", form);
    faulty.faults = {};
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ status: 500 });
    expect(faulty.attempted.length).toBe(2);
    expect(await count()).toBe(0);
    expect(await keysUnder(`${coll.id}/`)).toEqual([]);
  });

  it("a failing put during an update leaves the record unchanged", async () => {
    const form = new FormData();
    form.append("files", new File([text("keep")], "keep.txt"));
    const created = await faultedCall("POST", "/api/collections/r2docs/records", form);
    expect(created.status).toBe(200);
    const next = new FormData();
    next.append("files", new File([text("new")], "new.txt"));
    next.append("title", "changed");
    faulty.faults = { put: true };
    const res = await faultedCall("PATCH", `/api/collections/r2docs/records/${created.body.id}`, next);
    faulty.faults = {};
    expect(res.status).toBe(500);
    const after = await call(SUPERUSER, "GET", `/api/collections/r2docs/records/${created.body.id}`);
    expect(after.body).toMatchObject({ title: "", files: created.body.files });
    expect(await keysUnder(`${coll.id}/${created.body.id}/`)).toEqual([
      `${coll.id}/${created.body.id}/${created.body.files[0]}`,
    ]);
  });

  it("a D1 failure after the puts removes the uploaded objects (a unique violation aborts the batch)", async () => {
    const first = new FormData();
    first.append("id", "dupe00000000001");
    expect((await faultedCall("POST", "/api/collections/r2docs/records", first)).status).toBe(200);
    const form = new FormData();
    form.append("id", "dupe00000000001");
    form.append("files", new File([text("x")], "x.txt"));
    const res = await faultedCall("POST", "/api/collections/r2docs/records", form);
    expect(res.status).toBe(400);
    expect(faulty.attempted.at(-1)).toMatch(/^.+\/dupe00000000001\/x[a-z0-9]+_[a-z0-9]{10}\.txt$/);
    expect(await keysUnder(`${coll.id}/dupe00000000001/`)).toEqual([]);
  });

  it("a record delete whose R2 delete fails succeeds; the sweep removes the objects later", async () => {
    const form = new FormData();
    form.append("files", new File([text("orphan")], "orphan.txt"));
    const created = await faultedCall("POST", "/api/collections/r2docs/records", form);
    const prefix = `${coll.id}/${created.body.id}/`;
    faulty.faults = { delete: true };
    const res = await faultedCall("DELETE", `/api/collections/r2docs/records/${created.body.id}`);
    faulty.faults = {};
    expect(res.status).toBe(204);
    expect(await keysUnder(prefix)).toHaveLength(1);
    // Young objects are left alone (a write may still be committing them).
    const young = await call(SUPERUSER, "POST", "/api/files/cleanup", {});
    expect(young.status).toBe(200);
    expect(await keysUnder(prefix)).toHaveLength(1);
    const sweep = await call(SUPERUSER, "POST", "/api/files/cleanup", { minAgeMs: 0 });
    expect(sweep.status).toBe(200);
    expect(sweep.body.deleted).toBeGreaterThanOrEqual(1);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it("the sweep keeps every object a record names and removes the rest (unknown collections too)", async () => {
    const form = new FormData();
    form.append("files", new File([text("live")], "live.txt"));
    const live = await faultedCall("POST", "/api/collections/r2docs/records", form);
    const liveKey = `${coll.id}/${live.body.id}/${live.body.files[0]}`;
    await env.FILES.put(`${coll.id}/${live.body.id}/stray_abcdefghij.txt`, "stray");
    await env.FILES.put(
      `${coll.id}/${live.body.id}/thumbs_${live.body.files[0]}/10x10_${live.body.files[0]}`,
      "t",
    );
    await env.FILES.put("nosuchcollection/abc/file_abcdefghij.txt", "gone");
    const sweep = await call(SUPERUSER, "POST", "/api/files/cleanup", { minAgeMs: 0 });
    expect(sweep.status).toBe(200);
    expect((await keysUnder(`${coll.id}/${live.body.id}/`)).sort()).toEqual(
      [liveKey, `${coll.id}/${live.body.id}/thumbs_${live.body.files[0]}/10x10_${live.body.files[0]}`].sort(),
    );
    expect(await keysUnder("nosuchcollection/")).toEqual([]);
  });

  it("the cleanup route is for superusers only and validates its input", async () => {
    expect((await call(null, "POST", "/api/files/cleanup", {})).status).toBe(401);
    const bad = await call(SUPERUSER, "POST", "/api/files/cleanup", { minAgeMs: "soon" });
    expect(bad.status).toBe(400);
    expect(bad.body.data).toHaveProperty("minAgeMs");
  });

  it("the scheduled sweep resumes where its last run stopped, so it walks a large bucket whole", async () => {
    for (const name of ["a", "b", "c"]) await env.FILES.put(`sweepcursor/rec/${name}_abcdefghij.txt`, name);
    const total = (await keysUnder("")).length;
    const deps = { db: env.DB, store: new CollectionStore(), files: env.FILES };
    const stored = async () =>
      JSON.parse(
        (
          await env.DB.prepare("SELECT value FROM _params WHERE key = ?")
            .bind(SWEEP_CURSOR_KEY)
            .first<{ value: string }>()
        )?.value ?? '""',
      );
    // One object a run: a sweep that started over each time would never get past the first key.
    let runs = 0;
    let scanned = 0;
    do {
      const result = await sweepFromLastCursor(deps, { minAgeMs: 0, maxObjects: 1 });
      expect(result.scanned).toBeLessThanOrEqual(1);
      scanned += result.scanned;
      runs++;
      if (runs === 1) expect(await stored()).not.toBe("");
    } while ((await stored()) !== "" && runs <= total + 1);
    expect(await stored()).toBe("");
    expect(scanned).toBe(total);
    expect(await keysUnder("sweepcursor/")).toEqual([]);
  });
});
