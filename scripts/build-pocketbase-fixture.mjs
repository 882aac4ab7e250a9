#!/usr/bin/env node
/**
 * Builds a PocketBase v0.23+ `pb_data` (data.db + storage/) as PocketBase itself lays it out, for the import
 * tests: `_collections` rows in PocketBase's JSON format, record tables, bcrypt hashes (cost 10, as PocketBase
 * writes them), every field type, relations, an auth collection with OAuth2 and templates, system collections
 * and stored files. Usage: `node scripts/build-pocketbase-fixture.mjs <out dir>` (the data is in this file).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import bcrypt from "bcryptjs";

/** Passwords of the fixture's accounts (the tests sign in with them). */
export const FIXTURE_PASSWORDS = {
  "ada@example.com": "ada-old-password",
  "bob@example.com": "bob-old-password",
  "root@example.com": "root-old-password",
};
const TS = "2024-03-01 12:00:00.000Z";
const MIGRATIONS = [
  "1640988000_init.go",
  "1640988000_aux_init.go",
  "1717233556_v0.23_migrate.go",
  "1717233557_v0.23_migrate2.go",
  "1717233558_v0.23_migrate3.go",
  "1717233559_v0.23_migrate4.go",
  "1763020353_update_default_auth_alert_templates.go",
];

/**
 * A field definition as PocketBase exports it.
 * @param {string} name
 * @param {string} type
 * @param {Record<string, unknown>} [extra]
 * @returns {Record<string, any>}
 */
const base = (name, type, extra = {}) => ({
  id: `${type}${name.length}${name}`.slice(0, 20),
  name,
  type,
  system: false,
  hidden: false,
  presentable: false,
  ...extra,
});
const idField = {
  id: "text3208210256",
  name: "id",
  type: "text",
  system: true,
  hidden: false,
  presentable: false,
  primaryKey: true,
  required: true,
  min: 15,
  max: 15,
  pattern: "^[a-z0-9]+$",
  autogeneratePattern: "[a-z0-9]{15}",
};
const autodates = [
  base("created", "autodate", { onCreate: true, onUpdate: false }),
  base("updated", "autodate", { onCreate: true, onUpdate: true }),
];
const authSystemFields = [
  idField,
  base("password", "password", {
    system: true,
    hidden: true,
    required: true,
    min: 8,
    max: 0,
    cost: 0,
    pattern: "",
  }),
  base("tokenKey", "text", {
    system: true,
    hidden: true,
    required: true,
    min: 30,
    max: 60,
    autogeneratePattern: "[a-zA-Z0-9]{50}",
    pattern: "",
    primaryKey: false,
  }),
  base("email", "email", { system: true, required: true, exceptDomains: null, onlyDomains: null }),
  base("emailVisibility", "bool", { system: true }),
  base("verified", "bool", { system: true }),
];
const template = { subject: "Verify", body: "<p>{APP_NAME}</p>" };
const authOptions = (extra = {}) => ({
  authRule: "",
  manageRule: null,
  authAlert: { enabled: true, emailTemplate: template },
  oauth2: {
    enabled: true,
    mappedFields: { id: "", name: "name", username: "", avatarURL: "" },
    providers: [
      {
        name: "oidc",
        clientId: "oidc-client",
        clientSecret: "oidc-secret",
        authURL: "https://id.example.com/authorize",
        tokenURL: "https://id.example.com/token",
        userInfoURL: "https://id.example.com/userinfo",
        displayName: "Example ID",
        pkce: true,
        extra: null,
      },
      {
        // A provider PocketBase has and Edgebase does not: the import leaves it out with a note.
        name: "kakao",
        clientId: "kakao-client",
        clientSecret: "kakao-secret",
        authURL: "",
        tokenURL: "",
        userInfoURL: "",
        displayName: "",
        pkce: null,
        extra: null,
      },
    ],
  },
  passwordAuth: { enabled: true, identityFields: ["email"] },
  mfa: { enabled: false, duration: 1800, rule: "" },
  otp: { enabled: false, duration: 180, length: 8, emailTemplate: template },
  authToken: { duration: 604800 },
  passwordResetToken: { duration: 1800 },
  emailChangeToken: { duration: 1800 },
  verificationToken: { duration: 259200 },
  fileToken: { duration: 180 },
  verificationTemplate: template,
  resetPasswordTemplate: template,
  confirmEmailChangeTemplate: template,
  ...extra,
});

/**
 * The collections, in PocketBase's `_collections` shape (options split out as PocketBase stores them).
 * @type {{ id: string, name: string, type: string, system: boolean, fields: Record<string, any>[], indexes: string[],
 *   rules: (string | null)[], options: Record<string, any> }[]}
 */
export const FIXTURE_COLLECTIONS = [
  {
    id: "pbc_3142635823",
    name: "_superusers",
    type: "auth",
    system: true,
    fields: [...authSystemFields, ...autodates],
    indexes: [],
    rules: [null, null, null, null, null],
    options: authOptions({
      authAlert: { enabled: true, emailTemplate: template },
      oauth2: { enabled: false, providers: [] },
    }),
  },
  {
    id: "_pb_users_auth_",
    name: "users",
    type: "auth",
    system: false,
    fields: [
      ...authSystemFields,
      base("name", "text", { max: 255, help: "The display name" }),
      base("avatar", "file", {
        maxSelect: 1,
        maxSize: 0,
        mimeTypes: ["image/png"],
        thumbs: null,
        protected: false,
      }),
      ...autodates,
    ],
    indexes: [
      "CREATE UNIQUE INDEX `idx_tokenKey__pb_users_auth_` ON `users` (`tokenKey`)",
      "CREATE UNIQUE INDEX `idx_email__pb_users_auth_` ON `users` (`email`) WHERE `email` != ''",
    ],
    rules: [
      "id = @request.auth.id",
      "id = @request.auth.id",
      "",
      "id = @request.auth.id",
      "id = @request.auth.id",
    ],
    options: authOptions(),
  },
  {
    id: "pbc_tags0000001",
    name: "tags",
    type: "base",
    system: false,
    fields: [idField, base("label", "text", { required: true, max: 50 }), ...autodates],
    indexes: [],
    rules: ["", "", null, null, null],
    options: {},
  },
  {
    id: "pbc_posts000001",
    name: "posts",
    type: "base",
    system: false,
    fields: [
      idField,
      base("title", "text", { required: true, max: 200, help: "Shown in lists" }),
      base("views", "number", { min: null, max: null, onlyInt: true }),
      base("published", "bool"),
      base("contact", "email", { exceptDomains: null, onlyDomains: null }),
      base("site", "url", { exceptDomains: null, onlyDomains: null }),
      base("body", "editor", { convertURLs: false, maxSize: 0 }),
      base("publishedAt", "date", { min: "", max: "" }),
      base("status", "select", { maxSelect: 1, values: ["draft", "live"] }),
      base("labels", "select", { maxSelect: 3, values: ["a", "b", "c"] }),
      base("author", "relation", {
        collectionId: "_pb_users_auth_",
        maxSelect: 1,
        minSelect: 0,
        cascadeDelete: false,
      }),
      base("tags", "relation", {
        collectionId: "pbc_tags0000001",
        maxSelect: 5,
        minSelect: 0,
        cascadeDelete: false,
      }),
      base("meta", "json", { maxSize: 0 }),
      base("place", "geoPoint"),
      base("cover", "file", { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: null, protected: false }),
      ...autodates,
    ],
    indexes: ["CREATE INDEX `idx_posts_status` ON `posts` (`status`)"],
    rules: [
      "published = true",
      "published = true",
      '@request.auth.id != ""',
      "author = @request.auth.id",
      "author = @request.auth.id",
    ],
    options: {},
  },
  {
    id: "pbc_views000001",
    name: "post_titles",
    type: "view",
    system: false,
    fields: [base("id", "text", { system: true, primaryKey: true }), base("title", "text")],
    indexes: [],
    rules: ["", "", null, null, null],
    options: { viewQuery: "SELECT id, title FROM posts" },
  },
  .../** @type {[string, string, Record<string, any>[]][]} PocketBase's system collections and their own fields */ ([
    ["pbc_2281828961", "_externalAuths", [base("provider", "text"), base("providerId", "text")]],
    ["pbc_2279338944", "_mfas", [base("method", "text")]],
    ["pbc_1638494021", "_otps", [base("password", "password", { hidden: true }), base("sentTo", "text")]],
    ["pbc_4275539003", "_authOrigins", [base("fingerprint", "text")]],
  ]).map(([id, name, own]) => ({
    id,
    name,
    type: "base",
    system: true,
    fields: [
      idField,
      base("collectionRef", "text", { system: true, required: true }),
      base("recordRef", "text", { system: true, required: true }),
      ...own.map((f) => ({ ...f, system: true })),
      ...autodates,
    ],
    indexes: [],
    rules: [null, null, null, null, null],
    options: {},
  })),
];

const users = [
  {
    id: "ada000000000001",
    email: "ada@example.com",
    emailVisibility: 1,
    verified: 1,
    name: "Ada",
    avatar: "ada_pic_a1b2c3.png",
  },
  {
    id: "bob000000000002",
    email: "bob@example.com",
    emailVisibility: 0,
    verified: 0,
    name: "Bob",
    avatar: "",
  },
];
const tags = [
  { id: "tag000000000001", label: "intro" },
  { id: "tag000000000002", label: "edge" },
];
const posts = Array.from({ length: 205 }, (_, i) => ({
  id: `post${String(i).padStart(11, "0")}`,
  title: `Post ${i}`,
  views: i * 3,
  published: i % 5 === 0 ? 0 : 1,
  contact: i === 0 ? "ada@example.com" : "",
  site: i === 0 ? "https://example.com/a" : "",
  body: `<p>Body ${i}</p>`,
  publishedAt: i === 0 ? "2024-02-29 08:30:00.000Z" : "",
  status: i % 2 ? "live" : "draft",
  labels: JSON.stringify(i === 0 ? ["a", "c"] : []),
  author: i % 2 ? "bob000000000002" : "ada000000000001",
  tags: JSON.stringify(i === 0 ? ["tag000000000001", "tag000000000002"] : []),
  meta: JSON.stringify(i === 0 ? { nested: { n: 1 }, list: [1, 2] } : null),
  place: JSON.stringify({ lon: i === 0 ? 13.4 : 0, lat: i === 0 ? 52.5 : 0 }),
  cover: i === 0 ? "cover_x9y8z7.png" : "",
}));
/** One transparent 1×1 PNG (what the stored files hold). */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

/**
 * Writes `<out>/data.db` and `<out>/storage/…`, replacing what was there.
 * @param {string} out
 */
export function buildFixture(out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const db = new DatabaseSync(join(out, "data.db"));
  db.exec(`CREATE TABLE _migrations (file VARCHAR(255) PRIMARY KEY NOT NULL, applied INTEGER NOT NULL);
    CREATE TABLE _collections (id TEXT PRIMARY KEY NOT NULL, system BOOLEAN DEFAULT FALSE NOT NULL, type TEXT DEFAULT 'base' NOT NULL,
      name TEXT UNIQUE NOT NULL, fields JSON DEFAULT '[]' NOT NULL, indexes JSON DEFAULT '[]' NOT NULL, listRule TEXT DEFAULT NULL,
      viewRule TEXT DEFAULT NULL, createRule TEXT DEFAULT NULL, updateRule TEXT DEFAULT NULL, deleteRule TEXT DEFAULT NULL,
      options JSON DEFAULT '{}' NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);`);
  const migration = db.prepare("INSERT INTO _migrations (file, applied) VALUES (?, ?)");
  for (const [i, file] of MIGRATIONS.entries()) migration.run(file, 1_700_000_000_000_000 + i);
  const insertCollection = db.prepare(
    "INSERT INTO _collections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  FIXTURE_COLLECTIONS.forEach((c, i) => {
    const created = `2024-01-01 00:00:0${i}.000Z`;
    insertCollection.run(
      c.id,
      c.system ? 1 : 0,
      c.type,
      c.name,
      JSON.stringify(c.fields),
      JSON.stringify(c.indexes),
      ...c.rules,
      JSON.stringify(c.options),
      created,
      created,
    );
    if (c.type === "view") {
      db.exec(`CREATE VIEW "${c.name}" AS ${c.options.viewQuery}`);
      return;
    }
    const columns = c.fields.map(
      (f) =>
        `"${f.name}" ${f.name === "id" ? "TEXT PRIMARY KEY NOT NULL" : f.type === "number" || f.type === "bool" ? "NUMERIC DEFAULT 0 NOT NULL" : f.type === "json" || (f.maxSelect ?? 1) > 1 ? "JSON DEFAULT NULL" : "TEXT DEFAULT '' NOT NULL"}`,
    );
    db.exec(`CREATE TABLE "${c.name}" (${columns.join(", ")})`);
  });
  /**
   * @param {string} table
   * @param {Record<string, any>} row
   */
  const insert = (table, row) => {
    const keys = Object.keys(row);
    db.prepare(
      `INSERT INTO "${table}" (${keys.map((k) => `"${k}"`).join(", ")}) VALUES (${keys.map(() => "?").join(", ")})`,
    ).run(...Object.values(row));
  };
  const hash = (/** @type {string} */ email) =>
    bcrypt
      .hashSync(FIXTURE_PASSWORDS[/** @type {keyof typeof FIXTURE_PASSWORDS} */ (email)], 10)
      .replace(/^\$2b\$/, "$2a$");
  insert("_superusers", {
    id: "root00000000001",
    email: "root@example.com",
    emailVisibility: 0,
    verified: 1,
    password: hash("root@example.com"),
    tokenKey: "root-token-key-0000000000000000000000",
    created: TS,
    updated: TS,
  });
  insert("_superusers", {
    id: "inst00000000001",
    email: "__pbinstaller@example.com",
    emailVisibility: 0,
    verified: 1,
    password: hash("root@example.com"),
    tokenKey: "installer-token-key-000000000000000000",
    created: TS,
    updated: TS,
  });
  for (const u of users)
    insert("users", {
      ...u,
      password: hash(u.email),
      tokenKey: `${u.id}-token-key-0000000000000`,
      created: TS,
      updated: TS,
    });
  for (const t of tags) insert("tags", { ...t, created: TS, updated: TS });
  for (const p of posts) insert("posts", { ...p, created: TS, updated: TS });
  insert("_externalAuths", {
    id: "ext000000000001",
    collectionRef: "_pb_users_auth_",
    recordRef: "ada000000000001",
    provider: "oidc",
    providerId: "oidc-ada-1",
    created: TS,
    updated: TS,
  });
  insert("_otps", {
    id: "otp000000000001",
    collectionRef: "_pb_users_auth_",
    recordRef: "bob000000000002",
    password: hash("bob@example.com"),
    sentTo: "bob@example.com",
    created: TS,
    updated: TS,
  });
  db.close();
  /** @type {[string, string, string][]} */
  const files = [
    ["_pb_users_auth_", "ada000000000001", "ada_pic_a1b2c3.png"],
    ["pbc_posts000001", "post00000000000", "cover_x9y8z7.png"],
  ];
  for (const [collection, record, name] of files) {
    const dir = join(out, "storage", collection, record);
    mkdirSync(join(dir, "thumbs_x"), { recursive: true });
    writeFileSync(join(dir, name), PNG);
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write("usage: node scripts/build-pocketbase-fixture.mjs <out dir>\n");
    process.exit(2);
  }
  buildFixture(out);
  process.stdout.write(`Wrote ${join(out, "data.db")} and ${join(out, "storage")}\n`);
}
