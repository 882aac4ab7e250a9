/**
 * The rule matrix with REAL tokens: guest, user A, user B and a superuser × a public, an owner-only, a locked
 * and an auth collection × list, view, create, update, delete, expand, batch and a filter on a hidden field.
 * Run with `npm test -- --silent=false test/http/routes/auth-rule-matrix.test.ts` to see the printed matrix.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../../helpers/request";
import { authed, createSuperuser, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

type Actor = "guest" | "A" | "B" | "su";
type Target = "public" | "owned" | "locked" | "users";
type Op = "list" | "view" | "create" | "update" | "delete" | "expand" | "batch" | "hiddenFilter";

const ACTORS: Actor[] = ["guest", "A", "B", "su"];
const TARGETS: Target[] = ["public", "owned", "locked", "users"];
const OPS: Op[] = ["list", "view", "create", "update", "delete", "expand", "batch", "hiddenFilter"];

/** The expected outcome of every cell (true = allowed). */
const EXPECTED: Record<Target, Record<Op, Actor[]>> = {
  public: {
    list: ["guest", "A", "B", "su"],
    view: ["guest", "A", "B", "su"],
    create: ["guest", "A", "B", "su"],
    update: ["guest", "A", "B", "su"],
    delete: ["guest", "A", "B", "su"],
    expand: ["guest", "A", "B", "su"],
    batch: ["guest", "A", "B", "su"],
    hiddenFilter: ["su"],
  },
  owned: {
    list: ["A", "su"],
    view: ["A", "su"],
    create: ["A", "B", "su"],
    update: ["A", "su"],
    delete: ["A", "su"],
    expand: ["A", "su"],
    batch: ["A", "B", "su"],
    hiddenFilter: ["su"],
  },
  locked: {
    list: ["su"],
    view: ["su"],
    create: ["su"],
    update: ["su"],
    delete: ["su"],
    expand: ["su"],
    batch: ["su"],
    hiddenFilter: ["su"],
  },
  // users: list/view/update/delete `id = @request.auth.id`, create "". The record probed is A's own, except
  // delete, which targets a fresh user (nobody but a superuser may delete someone else).
  users: {
    list: ["A", "su"],
    view: ["A", "su"],
    create: ["guest", "A", "B", "su"],
    update: ["A", "su"],
    delete: ["su"],
    expand: ["A", "su"],
    batch: ["guest", "A", "B", "su"],
    hiddenFilter: ["su"],
  },
};

const NAMES: Record<Target, string> = {
  public: "m_public",
  owned: "m_owned",
  locked: "m_locked",
  users: "users",
};
const tokens: Record<Actor, string | null> = { guest: null, A: null, B: null, su: null };
const ids: Record<string, string> = {};
let counter = 0;

function send(actor: Actor, method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const token = tokens[actor];
  return token ? authed(token, path, init) : api(path, init);
}

async function ok(res: Response, what: string): Promise<Json> {
  const body = (await res.json()) as Json;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** A new record's body for a target, owned by A where the collection has owners. */
function newBody(target: Target, actor: Actor): Record<string, unknown> {
  counter += 1;
  if (target === "users") {
    return { email: `new${counter}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD };
  }
  const owner = actor === "guest" ? "" : actor === "su" ? ids.A : ids[actor];
  // Hidden fields may only be set by superusers: the others leave `secret` out.
  const secret = actor === "su" ? { secret: "s3cret" } : {};
  return target === "owned"
    ? { title: `t${counter}`, owner, ...secret }
    : { title: `t${counter}`, ...secret };
}

beforeAll(async () => {
  ids.A = await signUp("a@example.com");
  ids.B = await signUp("b@example.com");
  await createSuperuser("root@example.com");
  tokens.A = (await signIn("a@example.com")).token;
  tokens.B = (await signIn("b@example.com")).token;
  tokens.su = (await signIn("root@example.com", "_superusers")).token;

  const base = [
    { name: "title", type: "text" },
    { name: "secret", type: "text", hidden: true },
  ];
  const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
  const own = "owner = @request.auth.id";
  const definitions = [
    { name: NAMES.public, type: "base", ...open, fields: base },
    {
      name: NAMES.owned,
      type: "base",
      listRule: own,
      viewRule: own,
      createRule: `@request.auth.id != "" && ${own}`,
      updateRule: own,
      deleteRule: own,
      fields: [...base, { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 }],
    },
    { name: NAMES.locked, type: "base", fields: base },
  ];
  for (const definition of definitions)
    await ok(await send("su", "POST", "/api/collections", definition), "collection");
  const users = await ok(await send("su", "GET", "/api/collections/users"), "users");
  await ok(
    await send("su", "PATCH", "/api/collections/users", {
      fields: [...users.fields, { name: "secret", type: "text", hidden: true }],
    }),
    "users secret",
  );
  await ok(
    await send("su", "PATCH", `/api/collections/users/records/${ids.A}`, { secret: "s3cret" }),
    "A secret",
  );
  for (const target of ["public", "owned", "locked"] as const) {
    ids[target] = (
      await ok(
        await send("su", "POST", `/api/collections/${NAMES[target]}/records`, newBody(target, "su")),
        target,
      )
    ).id;
  }
  ids.users = ids.A ?? "";
  const relation = (name: string, collection: string) => ({
    name,
    type: "relation",
    collectionId: collection,
    maxSelect: 1,
  });
  const created: Json[] = [];
  for (const target of TARGETS)
    created.push(await ok(await send("su", "GET", `/api/collections/${NAMES[target]}`), target));
  await ok(
    await send("su", "POST", "/api/collections", {
      name: "m_refs",
      type: "base",
      listRule: "",
      viewRule: "",
      fields: TARGETS.map((t, i) => relation(t, created[i].id)),
    }),
    "refs",
  );
  ids.refs = (
    await ok(
      await send(
        "su",
        "POST",
        "/api/collections/m_refs/records",
        Object.fromEntries(TARGETS.map((t) => [t, ids[t]])),
      ),
      "refs record",
    )
  ).id;
});

async function attempt(actor: Actor, target: Target, op: Op): Promise<boolean> {
  const path = `/api/collections/${NAMES[target]}/records`;
  const id = ids[target];
  switch (op) {
    case "list": {
      const res = await send(actor, "GET", `${path}?perPage=200`);
      return res.status === 200 && ((await res.json()) as Json).items.some((r: Json) => r.id === id);
    }
    case "view":
      return (await send(actor, "GET", `${path}/${id}`)).status === 200;
    case "create":
      return (await send(actor, "POST", path, newBody(target, actor))).status === 200;
    case "update": {
      const body = target === "users" ? { name: `n${++counter}` } : { title: `u${++counter}` };
      return (await send(actor, "PATCH", `${path}/${id}`, body)).status === 200;
    }
    case "delete": {
      const victim = await ok(await send("su", "POST", path, newBody(target, "su")), "victim");
      return (await send(actor, "DELETE", `${path}/${victim.id}`)).status === 204;
    }
    case "expand": {
      const res = await send(actor, "GET", `/api/collections/m_refs/records/${ids.refs}?expand=${target}`);
      return res.status === 200 && ((await res.json()) as Json).expand?.[target]?.id === id;
    }
    case "batch": {
      const res = await send(actor, "POST", "/api/batch", {
        requests: [{ method: "POST", url: path, body: newBody(target, actor) }],
      });
      return res.status === 200;
    }
    case "hiddenFilter": {
      const filter = encodeURIComponent(`id = "${id}" && secret = "s3cret"`);
      const res = await send(actor, "GET", `${path}?filter=${filter}`);
      return res.status === 200 && ((await res.json()) as Json).items.length === 1;
    }
  }
}

describe("rule matrix with real tokens", () => {
  it("every cell matches the expected allow/deny", async () => {
    const rows: string[] = [];
    const mismatches: string[] = [];
    for (const target of TARGETS) {
      for (const op of OPS) {
        const cells: string[] = [];
        for (const actor of ACTORS) {
          const allowed = await attempt(actor, target, op);
          const expected = EXPECTED[target][op].includes(actor);
          cells.push(`${allowed ? "allow" : "deny "}${allowed === expected ? " " : "!"}`);
          if (allowed !== expected)
            mismatches.push(`${target}.${op} as ${actor}: ${allowed ? "allowed" : "denied"}`);
        }
        rows.push(`${`${target}.${op}`.padEnd(20)} ${cells.join("  ")}`);
      }
    }
    console.log([`${"".padEnd(20)} ${ACTORS.map((a) => a.padEnd(6)).join(" ")}`, ...rows].join("\n"));
    expect(mismatches).toEqual([]);
  });
});
