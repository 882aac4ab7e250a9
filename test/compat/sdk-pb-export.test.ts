/**
 * A whole PocketBase collections export (what PocketBase's dashboard "Export collections" writes) imported with
 * the pocketbase SDK's `collections.import` (issue 22): system collections mapped onto Edgebase's, file fields,
 * OAuth2 providers, email templates and field help text round-tripped.
 */
import type PocketBase from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { createSuperuser, PASSWORD } from "../http/routes/auth-helpers";
import { sdkClient } from "./sdk-client";

// biome-ignore lint/suspicious/noExplicitAny: export JSON is built and checked by shape.
type Json = Record<string, any>;

const field = (id: string, name: string, type: string, extra: Json = {}): Json => ({
  id,
  name,
  type,
  system: false,
  hidden: false,
  presentable: false,
  help: "",
  ...extra,
});
const idField = field("text3208210256", "id", "text", {
  system: true,
  required: true,
  primaryKey: true,
  min: 15,
  max: 15,
  pattern: "^[a-z0-9]+$",
  autogeneratePattern: "[a-z0-9]{15}",
});
const autodates = [
  field("autodate2990389176", "created", "autodate", { onCreate: true, onUpdate: false }),
  field("autodate3332085495", "updated", "autodate", { onCreate: true, onUpdate: true }),
];
const sys = (name: string, type = "text", extra: Json = {}) =>
  field(`${type}${name.length}${name}`, name, type, { system: true, required: true, ...extra });
const authFields = [
  idField,
  sys("password", "password", { hidden: true, min: 8, max: 0, cost: 0, pattern: "" }),
  sys("tokenKey", "text", { hidden: true, min: 30, max: 60, autogeneratePattern: "[a-zA-Z0-9]{50}" }),
  sys("email", "email", { exceptDomains: null, onlyDomains: null }),
  sys("emailVisibility", "bool", { required: false }),
  sys("verified", "bool", { required: false }),
];
const template = (subject: string) => ({ subject, body: `<p>${subject} {APP_NAME}</p>` });
const systemBase = (id: string, name: string, own: Json[]) => ({
  id,
  name,
  type: "base",
  system: true,
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
  fields: [idField, sys("collectionRef"), sys("recordRef"), ...own, ...autodates],
  indexes: [],
});

/** PocketBase v0.23+ export JSON, system collections included. */
const EXPORT: Json[] = [
  {
    id: "pbc_3142635823",
    name: "_superusers",
    type: "auth",
    system: true,
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    authRule: "",
    manageRule: null,
    fields: [...authFields, ...autodates],
    indexes: [],
    passwordAuth: { enabled: true, identityFields: ["email"] },
    authToken: { duration: 86400 },
  },
  systemBase("pbc_2281828961", "_externalAuths", [sys("provider"), sys("providerId")]),
  systemBase("pbc_2279338944", "_mfas", [sys("method")]),
  systemBase("pbc_1638494021", "_otps", [
    sys("password", "password", { hidden: true }),
    sys("sentTo", "text", { hidden: true, required: false }),
  ]),
  systemBase("pbc_4275539003", "_authOrigins", [sys("fingerprint")]),
  {
    id: "_pb_users_auth_",
    name: "users",
    type: "auth",
    system: false,
    listRule: "id = @request.auth.id",
    viewRule: "id = @request.auth.id",
    createRule: "",
    updateRule: "id = @request.auth.id",
    deleteRule: "id = @request.auth.id",
    authRule: "",
    manageRule: null,
    fields: [
      ...authFields,
      field("text1579384326", "name", "text", { max: 255, help: "What others see" }),
      field("file376926767", "avatar", "file", {
        maxSelect: 1,
        maxSize: 0,
        mimeTypes: ["image/jpeg", "image/png"],
        thumbs: null,
        protected: false,
        help: "A square picture",
      }),
      ...autodates,
    ],
    indexes: [
      "CREATE UNIQUE INDEX `idx_tokenKey__pb_users_auth_` ON `users` (`tokenKey`)",
      "CREATE UNIQUE INDEX `idx_email__pb_users_auth_` ON `users` (`email`) WHERE `email` != ''",
    ],
    oauth2: {
      enabled: true,
      mappedFields: { id: "", name: "name", username: "", avatarURL: "avatar" },
      providers: [
        {
          name: "oidc",
          clientId: "oidc-client",
          clientSecret: "oidc-secret",
          authURL: "https://id.example.com/authorize",
          tokenURL: "https://id.example.com/token",
          userInfoURL: "https://id.example.com/userinfo",
          displayName: "Example ID",
          pkce: null,
          extra: null,
        },
      ],
    },
    passwordAuth: { enabled: true, identityFields: ["email"] },
    mfa: { enabled: false, duration: 1800, rule: "" },
    otp: { enabled: true, duration: 180, length: 8, emailTemplate: template("Your code") },
    authAlert: { enabled: true, emailTemplate: template("New sign-in") },
    authToken: { duration: 604800 },
    passwordResetToken: { duration: 1800 },
    emailChangeToken: { duration: 1800 },
    verificationToken: { duration: 259200 },
    fileToken: { duration: 180 },
    verificationTemplate: template("Verify"),
    resetPasswordTemplate: template("Reset"),
    confirmEmailChangeTemplate: template("Confirm"),
  },
  {
    id: "pbc_1125843985",
    name: "posts",
    type: "base",
    system: false,
    listRule: "",
    viewRule: "",
    createRule: null,
    updateRule: null,
    deleteRule: null,
    fields: [
      idField,
      field("text724990059", "title", "text", { required: true, max: 200, help: "Shown in lists" }),
      field("file3834550803", "cover", "file", {
        maxSelect: 3,
        maxSize: 1048576,
        mimeTypes: [],
        thumbs: ["100x100"],
        protected: true,
      }),
      field("relation3182418120", "author", "relation", {
        collectionId: "_pb_users_auth_",
        maxSelect: 1,
        minSelect: 0,
        cascadeDelete: false,
      }),
      ...autodates,
    ],
    indexes: ["CREATE INDEX `idx_posts_title` ON `posts` (`title`)"],
  },
];

let root: PocketBase;

beforeAll(async () => {
  await createSuperuser("root@pb-export.test");
  root = sdkClient();
  await root.collection("_superusers").authWithPassword("root@pb-export.test", PASSWORD);
});

describe("a whole PocketBase export through collections.import", () => {
  it("imports, maps the system collections and round-trips files, OAuth2, templates and help", async () => {
    await root.collections.import(EXPORT as never, false);
    for (const internal of ["_otps", "_authOrigins"]) {
      await expect(root.collections.getOne(internal)).rejects.toMatchObject({ status: 404 });
    }
    const superusers = await root.collections.getOne("_superusers");
    expect(superusers.system).toBe(true);
    const posts = await root.collections.getOne("posts");
    const byName = (c: Json, name: string) => c.fields.find((f: Json) => f.name === name);
    expect(byName(posts, "title")).toMatchObject({ help: "Shown in lists", required: true, max: 200 });
    expect(byName(posts, "cover")).toMatchObject({
      type: "file",
      maxSelect: 3,
      maxSize: 1048576,
      thumbs: ["100x100"],
      protected: true,
    });
    const users = await root.collections.getOne("users");
    expect(byName(users, "name")).toMatchObject({ help: "What others see" });
    expect(byName(users, "avatar")).toMatchObject({ type: "file", help: "A square picture" });
    expect(users.oauth2).toMatchObject({
      enabled: true,
      mappedFields: { name: "name", avatarURL: "avatar" },
      providers: [expect.objectContaining({ name: "oidc", clientId: "oidc-client", extra: {} })],
    });
    expect(JSON.stringify(users)).not.toContain("oidc-secret");
    expect(users.otp).toMatchObject({ enabled: true, emailTemplate: template("Your code") });
    expect(users.authAlert).toMatchObject({ emailTemplate: template("New sign-in") });
    expect(users.verificationTemplate).toEqual(template("Verify"));
    expect(users.resetPasswordTemplate).toEqual(template("Reset"));
    expect(users.confirmEmailChangeTemplate).toEqual(template("Confirm"));
  });

  it("importing the same export again, or Edgebase's own export, changes nothing", async () => {
    const before = await root.collections.getFullList();
    await root.collections.import(EXPORT as never, false);
    expect(await root.collections.getFullList()).toEqual(before);
    await root.collections.import(before as never, false);
    expect(await root.collections.getFullList()).toEqual(before);
  });

  it("a provider this server does not implement is a 400 at its path, and nothing changes", async () => {
    const before = await root.collections.getFullList();
    const users = structuredClone(EXPORT.find((c) => c.name === "users")) as Json;
    users.oauth2.providers[0].name = "kakao"; // PocketBase has it; Edgebase does not (src/auth/oauth2/providers.ts)
    await expect(root.collections.import([users] as never, false)).rejects.toMatchObject({
      status: 400,
      response: {
        data: { "collections.0.oauth2.providers.0.name": { code: "validation_missing_provider" } },
      },
    });
    expect(await root.collections.getFullList()).toEqual(before);
  });

  it("refuses a help text over 1,000 characters at its path, and changes nothing", async () => {
    const before = await root.collections.getOne("posts");
    const posts = structuredClone(EXPORT.find((c) => c.name === "posts")) as Json;
    posts.fields[1].help = "x".repeat(1001);
    await expect(root.collections.import([posts] as never, false)).rejects.toMatchObject({
      status: 400,
      response: { data: { "collections.0.fields.1.help": expect.anything() } },
    });
    expect(await root.collections.getOne("posts")).toEqual(before);
  });
});
