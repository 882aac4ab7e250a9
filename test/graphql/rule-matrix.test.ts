/**
 * Parity with REST: the rule matrix of test/http/routes/auth-rule-matrix.test.ts (guest, user A, user B, superuser ×
 * public, owner-only, locked and auth collections × list, view, create, update, delete, expand, batch and a filter
 * on a hidden field) run through GraphQL gives the same allow/deny in every cell, and every record readable through
 * both APIs shows the same fields with the same values.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/request";
import { authed, createSuperuser, type Json, PASSWORD, signIn, signUp } from "../http/routes/auth-helpers";
import { gql, rest } from "./helpers";

type Actor = "guest" | "A" | "B" | "su";
type Target = "public" | "owned" | "locked" | "users";
type Op = "list" | "view" | "create" | "update" | "delete" | "expand" | "batch" | "hiddenFilter";

const ACTORS: Actor[] = ["guest", "A", "B", "su"];
const TARGETS: Target[] = ["public", "owned", "locked", "users"];
const OPS: Op[] = ["list", "view", "create", "update", "delete", "expand", "batch", "hiddenFilter"];

/** The REST matrix's expectations, verbatim. */
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
const TYPES: Record<Target, string> = {
  public: "MPublic",
  owned: "MOwned",
  locked: "MLocked",
  users: "Users",
};
const tokens: Record<Actor, string | null> = { guest: null, A: null, B: null, su: null };
const ids: Record<string, string> = {};
let counter = 0;

function newBody(target: Target, actor: Actor): Record<string, unknown> {
  counter += 1;
  if (target === "users")
    return { email: `new${counter}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD };
  const owner = actor === "guest" ? "" : actor === "su" ? ids.A : ids[actor];
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
  const su = tokens.su;
  const base = [
    { name: "title", type: "text" },
    { name: "secret", type: "text", hidden: true },
  ];
  const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
  const own = "owner = @request.auth.id";
  await rest(su, "POST", "/api/collections", { name: NAMES.public, type: "base", ...open, fields: base });
  await rest(su, "POST", "/api/collections", {
    name: NAMES.owned,
    type: "base",
    listRule: own,
    viewRule: own,
    createRule: `@request.auth.id != "" && ${own}`,
    updateRule: own,
    deleteRule: own,
    fields: [...base, { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 }],
  });
  await rest(su, "POST", "/api/collections", { name: NAMES.locked, type: "base", fields: base });
  const users = await rest(su, "GET", "/api/collections/users");
  await rest(su, "PATCH", "/api/collections/users", {
    fields: [...users.fields, { name: "secret", type: "text", hidden: true }],
  });
  await rest(su, "PATCH", `/api/collections/users/records/${ids.A}`, { secret: "s3cret" });
  for (const target of ["public", "owned", "locked"] as const)
    ids[target] = (
      await rest(su, "POST", `/api/collections/${NAMES[target]}/records`, newBody(target, "su"))
    ).id;
  ids.users = ids.A ?? "";
  const created: Json[] = [];
  for (const target of TARGETS) created.push(await rest(su, "GET", `/api/collections/${NAMES[target]}`));
  await rest(su, "POST", "/api/collections", {
    name: "m_refs",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: TARGETS.map((t, i) => ({ name: t, type: "relation", collectionId: created[i].id, maxSelect: 1 })),
  });
  ids.refs = (
    await rest(
      su,
      "POST",
      "/api/collections/m_refs/records",
      Object.fromEntries(TARGETS.map((t) => [t, ids[t]])),
    )
  ).id;
});

const ok = (r: { errors: unknown[] }) => r.errors.length === 0;

async function attempt(actor: Actor, target: Target, op: Op): Promise<boolean> {
  const token = tokens[actor];
  const name = NAMES[target];
  const id = ids[target];
  switch (op) {
    case "list": {
      const r = await gql(token, `{ ${name}(perPage: 200) { items { id } } }`);
      return ok(r) && r.data[name].items.some((x: Json) => x.id === id);
    }
    case "view": {
      const r = await gql(token, `query ($id: ID!) { ${name}_view(id: $id) { id } }`, { id });
      return ok(r) && r.data[`${name}_view`]?.id === id;
    }
    case "create": {
      const r = await gql(token, `mutation ($d: JSON!) { ${name}_create(data: $d) { id } }`, {
        d: newBody(target, actor),
      });
      return ok(r) && typeof r.data[`${name}_create`]?.id === "string";
    }
    case "update": {
      const d = target === "users" ? { name: `n${++counter}` } : { title: `u${++counter}` };
      const r = await gql(
        token,
        `mutation ($id: ID!, $d: JSON!) { ${name}_update(id: $id, data: $d) { id } }`,
        { id, d },
      );
      return ok(r) && r.data[`${name}_update`]?.id === id;
    }
    case "delete": {
      const victim = await rest(
        tokens.su as string,
        "POST",
        `/api/collections/${name}/records`,
        newBody(target, "su"),
      );
      const r = await gql(token, `mutation ($id: ID!) { ${name}_delete(id: $id) }`, { id: victim.id });
      return ok(r) && r.data[`${name}_delete`] === true;
    }
    case "expand": {
      const r = await gql(
        token,
        `query ($id: ID!) { m_refs_view(id: $id) { expand { ${target} { id } } } }`,
        {
          id: ids.refs,
        },
      );
      return ok(r) && r.data.m_refs_view.expand[target]?.id === id;
    }
    case "batch": {
      const r = await gql(token, "mutation ($r: [BatchRequest!]!) { batch(requests: $r) { status } }", {
        r: [{ action: "create", collection: name, data: newBody(target, actor) }],
      });
      return ok(r);
    }
    case "hiddenFilter": {
      const r = await gql(token, `query ($f: String) { ${name}(filter: $f) { items { id } } }`, {
        f: `id = "${id}" && secret = "s3cret"`,
      });
      return ok(r) && r.data[name].items.length === 1;
    }
  }
}

/** The scalar fields of a type in the actor's schema (null when the type is not in it). */
async function scalarFields(actor: Actor, type: string): Promise<string[] | null> {
  const r = await gql(
    tokens[actor],
    `{ __type(name: "${type}") { fields { name type { kind ofType { kind } } } } }`,
  );
  if (!r.data.__type) return null;
  return r.data.__type.fields.filter((f: Json) => f.name !== "expand").map((f: Json) => f.name);
}

const shown = (record: Json) =>
  Object.fromEntries(
    Object.entries(record).filter(([k, v]) => k !== "expand" && v !== null && v !== undefined),
  );

describe("rule matrix through GraphQL", () => {
  it("every cell gives the same allow/deny as REST", async () => {
    const mismatches: string[] = [];
    for (const target of TARGETS)
      for (const op of OPS)
        for (const actor of ACTORS) {
          const allowed = await attempt(actor, target, op);
          if (allowed !== EXPECTED[target][op].includes(actor))
            mismatches.push(`${target}.${op} as ${actor}: ${allowed ? "allowed" : "denied"}`);
        }
    expect(mismatches).toEqual([]);
  });

  it("every record readable through both shows the same fields and values (view, list and expand)", async () => {
    let compared = 0;
    for (const actor of ACTORS)
      for (const target of TARGETS) {
        const fields = await scalarFields(actor, TYPES[target]);
        const path = `/api/collections/${NAMES[target]}/records/${ids[target]}`;
        const token = tokens[actor];
        const restView = token ? await authed(token, path) : await api(path);
        if (fields === null) {
          // Not in the actor's schema: REST must deny it too.
          expect(restView.status, `${actor} ${target}`).not.toBe(200);
          continue;
        }
        if (restView.status !== 200) continue;
        const restRecord = (await restView.json()) as Json;
        const selection = fields.join(" ");
        const r = await gql(
          token,
          `query ($id: ID!, $f: String!, $refs: ID!) {
             one: ${NAMES[target]}_view(id: $id) { ${selection} }
             many: ${NAMES[target]}(filter: $f) { items { ${selection} } }
             refs: m_refs_view(id: $refs) { expand { ${target} { ${selection} } } }
           }`,
          { id: ids[target], f: `id = "${ids[target]}"`, refs: ids.refs },
        );
        expect(r.errors, `${actor} ${target}`).toEqual([]);
        expect(shown(r.data.one), `${actor} ${target} view`).toEqual(shown(restRecord));
        expect(shown(r.data.many.items[0]), `${actor} ${target} list`).toEqual(shown(restRecord));
        expect(shown(r.data.refs.expand[target]), `${actor} ${target} expand`).toEqual(shown(restRecord));
        expect("secret" in restRecord, `${actor} ${target} secret`).toBe(actor === "su");
        compared++;
      }
    // guest: public; A: public, owned, users; B: public; su: all four.
    expect(compared).toBe(9);
  });
});
