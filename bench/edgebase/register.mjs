/**
 * The Edgebase side of the bench data: registering the seeded posts tables as Edgebase collections and
 * signing in the owner. THE place to adapt when the records engine and auth land (BENCHMARKS.md, "Pending").
 */

/** Password of the owner, the one user Edgebase itself creates (so its hash is in Edgebase's format). */
export const BENCH_PASSWORD = "bench-password-1";

/** Collection ids in PocketBase's `pbc_<number>` shape. */
const IDS = { posts: "pbc_2100000001", posts_private: "pbc_2100000002" };

/**
 * Field definitions in the JSON shape of migrations/0001_system_collections.sql (PocketBase v0.23+); the
 * columns lib/seed.mjs creates are what these fields emit.
 * @param {string} usersId collection id of `users`, the relation target
 * @returns {Record<string, unknown>[]}
 */
function postFields(usersId) {
  const base = { system: false, hidden: false, presentable: false, required: false };
  return [
    {
      ...base,
      id: "text926444256",
      name: "id",
      type: "text",
      system: true,
      required: true,
      min: 15,
      max: 15,
      pattern: "^[a-z0-9]+$",
      autogeneratePattern: "[a-z0-9]{15}",
      primaryKey: true,
    },
    {
      ...base,
      id: "text724990059",
      name: "title",
      type: "text",
      min: 0,
      max: 200,
      pattern: "",
      autogeneratePattern: "",
      primaryKey: false,
      presentable: true,
    },
    { ...base, id: "number2100000003", name: "views", type: "number", min: 0, max: null, onlyInt: true },
    { ...base, id: "date2100000004", name: "published", type: "date", min: "", max: "" },
    {
      ...base,
      id: "relation2100000005",
      name: "author",
      type: "relation",
      collectionId: usersId,
      maxSelect: 1,
      minSelect: 0,
      cascadeDelete: false,
    },
    {
      ...base,
      id: "select2100000006",
      name: "status",
      type: "select",
      values: ["draft", "published", "archived"],
      maxSelect: 1,
    },
    { ...base, id: "autodate837645499", name: "created", type: "autodate", onCreate: true, onUpdate: false },
    { ...base, id: "autodate545658160", name: "updated", type: "autodate", onCreate: true, onUpdate: true },
  ];
}

/**
 * Registers posts (public list/view/create) and, when seeded, posts_private (owner rule) in `_collections`,
 * the table Edgebase reads its schema from. The tables and rows already exist (lib/seed.mjs).
 * @param {import("../lib/seed.mjs").D1} db a dataset's database
 * @param {{ withPrivate: boolean, indexes: (table: string) => string[] }} options
 */
export async function registerCollections(db, options) {
  const usersId = String(
    (await db.prepare("SELECT id FROM _collections WHERE name = 'users'").first("id")) ?? "",
  );
  const fields = JSON.stringify(postFields(usersId));
  const owner = "author = @request.auth.id";
  const rows = [
    { id: IDS.posts, name: "posts", list: "", view: "", create: /** @type {string | null} */ ("") },
  ];
  if (options.withPrivate)
    rows.push({ id: IDS.posts_private, name: "posts_private", list: owner, view: owner, create: null });
  await registerFileCollections(db);
  await db.batch([
    ...rows.map((r) =>
      db
        .prepare(
          `INSERT OR REPLACE INTO _collections (id, name, type, fields, indexes, listRule, viewRule, createRule)
           VALUES (?, ?, 'base', ?, ?, ?, ?, ?)`,
        )
        .bind(r.id, r.name, fields, JSON.stringify(options.indexes(r.name)), r.list, r.view, r.create),
    ),
    // A new schema version makes running isolates reload their cached definitions (src/collections/store.ts).
    db.prepare(
      "UPDATE _params SET value = json_quote(lower(hex(randomblob(8)))) WHERE key = 'schemaVersion'",
    ),
  ]);
}

/** The file collections of scenarios/files.mjs: `bench_files` (public: edge-cached) and a rule-guarded twin. */
export const FILE_COLLECTIONS = /** @type {const} */ ({
  public: { id: "pbc_2100000011", name: "bench_files", viewRule: "" },
  // Anyone passes this rule, but it is not the public "": files are served from R2 every time.
  ruled: { id: "pbc_2100000012", name: "bench_files_ruled", viewRule: "id != ''" },
});

/** The file collections' fields: a document (5 MB cap) and an image with one thumb size. */
function fileFields() {
  const base = { system: false, hidden: false, presentable: false, required: false };
  const file = { ...base, type: "file", maxSelect: 1, maxSize: 0, mimeTypes: [], protected: false };
  return [
    {
      ...base,
      id: "text926444256",
      name: "id",
      type: "text",
      system: true,
      required: true,
      min: 15,
      max: 15,
      pattern: "^[a-z0-9]+$",
      autogeneratePattern: "[a-z0-9]{15}",
      primaryKey: true,
    },
    { ...file, id: "file2100000013", name: "doc", thumbs: [] },
    { ...file, id: "file2100000014", name: "image", thumbs: ["100x100"] },
    { ...base, id: "autodate837645499", name: "created", type: "autodate", onCreate: true, onUpdate: false },
    { ...base, id: "autodate545658160", name: "updated", type: "autodate", onCreate: true, onUpdate: true },
  ];
}

/**
 * Registers the file collections (public create, their view rules above), creating their tables on first use.
 * @param {import("../lib/seed.mjs").D1} db
 */
async function registerFileCollections(db) {
  const columns = `id TEXT PRIMARY KEY NOT NULL, doc TEXT DEFAULT '' NOT NULL, image TEXT DEFAULT '' NOT NULL,
    created TEXT DEFAULT '' NOT NULL, updated TEXT DEFAULT '' NOT NULL`;
  const fields = JSON.stringify(fileFields());
  await db.batch(
    Object.values(FILE_COLLECTIONS).flatMap((c) => [
      db.prepare(`CREATE TABLE IF NOT EXISTS ${c.name} (${columns})`),
      db
        .prepare(
          `INSERT OR REPLACE INTO _collections (id, name, type, fields, indexes, listRule, viewRule, createRule)
           VALUES (?, ?, 'base', ?, '[]', '', ?, '')`,
        )
        .bind(c.id, c.name, fields, c.viewRule),
    ]),
  );
}

/**
 * Signs the owner in through Edgebase's PocketBase routes, creating the account on first use (the seed
 * leaves it out, so Edgebase hashes its password itself).
 * @param {string} baseUrl the Edgebase Worker of the dataset the scenarios use
 * @param {{ id: string, email: string }} owner
 * @returns {Promise<{ session: { token: string, userId: string } | null, error: string }>}
 */
export async function signIn(baseUrl, owner) {
  const first = await authWithPassword(baseUrl, owner.email);
  if (first.session || first.status === 404) return first;
  const created = await fetch(`${baseUrl}/api/collections/users/records`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id: owner.id,
      email: owner.email,
      password: BENCH_PASSWORD,
      passwordConfirm: BENCH_PASSWORD,
    }),
  });
  await created.arrayBuffer();
  if (!created.ok) return { session: null, error: `creating the owner answered ${created.status}` };
  return authWithPassword(baseUrl, owner.email);
}

/**
 * @param {string} baseUrl
 * @param {string} email
 */
async function authWithPassword(baseUrl, email) {
  const res = await fetch(`${baseUrl}/api/collections/users/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: email, password: BENCH_PASSWORD }),
  });
  const body = /** @type {{ token?: string, record?: { id?: string } }} */ (
    await res.json().catch(() => ({}))
  );
  if (!res.ok)
    return { session: null, status: res.status, error: `auth-with-password answered ${res.status}` };
  if (!body.token || !body.record?.id)
    return { session: null, status: res.status, error: "auth-with-password returned no token" };
  return { session: { token: body.token, userId: body.record.id }, status: res.status, error: "" };
}
