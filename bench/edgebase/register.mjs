/**
 * The Edgebase side of the bench data: registering the seeded tables as Edgebase collections and signing in
 * a seeded user. THE place to adapt when the records engine and auth land (see BENCHMARKS.md, "Pending").
 */

/** Password of the seeded user the owner-rule and token scenarios sign in as (once auth exists). */
export const BENCH_PASSWORD = "bench-password-1";

const IDS = { users: "busers000000001", posts: "bposts000000001", posts_private: "bpostsprivate01" };

/**
 * PocketBase v0.23-shaped field definitions of the posts collections (the DDL in lib/seed.mjs matches them).
 * Provisional: src/collections/ defines the exact JSON Edgebase parses; align both when it lands.
 */
/** @type {Record<string, unknown>[]} */
const POST_FIELDS = [
  {
    name: "id",
    type: "text",
    system: true,
    primaryKey: true,
    required: true,
    min: 15,
    max: 15,
    pattern: "^[a-z0-9]+$",
    autogeneratePattern: "[a-z0-9]{15}",
  },
  { name: "title", type: "text", max: 200 },
  { name: "views", type: "number", onlyInt: true, min: 0 },
  { name: "published", type: "date" },
  { name: "author", type: "relation", collectionId: IDS.users, maxSelect: 1, cascadeDelete: false },
  { name: "status", type: "select", values: ["draft", "published", "archived"], maxSelect: 1 },
  { name: "created", type: "autodate", onCreate: true, onUpdate: false },
  { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
].map((f, i) => ({
  id: `field${i}`,
  required: false,
  hidden: false,
  presentable: false,
  system: false,
  ...f,
}));

/** @type {Record<string, unknown>[]} */
const USER_FIELDS = [
  {
    name: "id",
    type: "text",
    system: true,
    primaryKey: true,
    required: true,
    min: 15,
    max: 15,
    pattern: "^[a-z0-9]+$",
  },
  { name: "email", type: "email", required: true },
  { name: "name", type: "text", max: 100 },
  { name: "created", type: "autodate", onCreate: true, onUpdate: false },
  { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
].map((f, i) => ({
  id: `field${i}`,
  required: false,
  hidden: false,
  presentable: false,
  system: false,
  ...f,
}));

/**
 * Registers users, posts and (when seeded) posts_private in `_collections`, the table Edgebase reads its
 * schema from. Public list/view/create rules on posts; the owner rule on posts_private.
 * @param {import("../lib/seed.mjs").D1} db a dataset's database, already seeded (lib/seed.mjs)
 * @param {{ withPrivate: boolean, indexes: (table: string) => string[] }} options
 */
export async function registerCollections(db, options) {
  /** @type {{ id: string, name: string, fields: unknown[], indexes: string[], list: string, view: string, create: string | null }[]} */
  const rows = [
    { id: IDS.users, name: "users", fields: USER_FIELDS, indexes: [], list: "", view: "", create: null },
    {
      id: IDS.posts,
      name: "posts",
      fields: POST_FIELDS,
      indexes: options.indexes("posts"),
      list: "",
      view: "",
      create: "",
    },
  ];
  if (options.withPrivate) {
    const indexes = options.indexes("posts_private");
    rows.push({
      id: IDS.posts_private,
      name: "posts_private",
      fields: POST_FIELDS,
      indexes,
      list: "author = @request.auth.id",
      view: "author = @request.auth.id",
      create: null,
    });
  }
  await db.batch(
    rows.map((r) =>
      db
        .prepare(
          `INSERT OR REPLACE INTO _collections (id, name, type, fields, indexes, listRule, viewRule, createRule)
           VALUES (?, ?, 'base', ?, ?, ?, ?, ?)`,
        )
        .bind(r.id, r.name, JSON.stringify(r.fields), JSON.stringify(r.indexes), r.list, r.view, r.create),
    ),
  );
}

/**
 * Signs in the seeded owner through Edgebase's PocketBase auth route.
 * @param {string} baseUrl the Edgebase Worker of the 10k dataset
 * @param {string} email
 * @returns {Promise<{ session: { token: string, userId: string } | null, error: string }>}
 */
export async function signIn(baseUrl, email) {
  const res = await fetch(`${baseUrl}/api/collections/users/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: email, password: BENCH_PASSWORD }),
  });
  if (!res.ok) return { session: null, error: `auth-with-password answered ${res.status}` };
  const body = /** @type {{ token?: string, record?: { id?: string } }} */ (await res.json());
  if (!body.token || !body.record?.id)
    return { session: null, error: "auth-with-password returned no token" };
  return { session: { token: body.token, userId: body.record.id }, error: "" };
}
