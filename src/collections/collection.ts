/** The collection definition: zod schemas for base, auth and view collections (PocketBase v0.23+ shape). */
import { z } from "zod";
import { type Field, fieldSchema } from "./fields";
import { MAX_NAME_LENGTH } from "./fields/field-type";
import { oauth2OptionsSchema, redactOAuth2 } from "./oauth2-options";

/** D1 allows 100 columns per table. */
export const MAX_FIELDS_PER_COLLECTION = 100;
/** At most this many indexes per collection. */
export const MAX_INDEXES = 50;
/** Longest accepted rule (the filter language's own limit). */
export const MAX_RULE_LENGTH = 3500;
/** Longest accepted view query. */
export const MAX_VIEW_QUERY_LENGTH = 10_000;

/** Collection ids: PocketBase accepts word characters; generated ones are 15 × [a-z0-9]. */
export const COLLECTION_ID = /^\w{1,100}$/;

const rule = z.string().max(MAX_RULE_LENGTH).nullable();
const duration = (seconds: number) =>
  z
    .object({
      duration: z
        .number()
        .int()
        .min(1)
        .max(365 * 86_400),
    })
    .default({ duration: seconds });

/** The rule properties every collection has (`null` = superusers only, `""` = anyone). */
export const RULE_NAMES = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule"] as const;
/** The extra rules of auth collections. */
export const AUTH_RULE_NAMES = ["authRule", "manageRule"] as const;

/** Properties shared by every collection type; `fields` is typed by the caller (input vs stored). */
function commonShape<T extends z.ZodType>(field: T) {
  return {
    id: z.string().regex(COLLECTION_ID, "Invalid id.").optional(),
    name: z.string().max(MAX_NAME_LENGTH),
    system: z.boolean().default(false),
    fields: z.array(field).max(MAX_FIELDS_PER_COLLECTION).default([]),
    indexes: z.array(z.string().max(2000)).max(MAX_INDEXES).default([]),
    listRule: rule.default(null),
    viewRule: rule.default(null),
    createRule: rule.default(null),
    updateRule: rule.default(null),
    deleteRule: rule.default(null),
  };
}

/** Longest accepted email template subject and body. */
export const MAX_TEMPLATE_SUBJECT_LENGTH = 300;
export const MAX_TEMPLATE_BODY_LENGTH = 50_000;

/**
 * An email template in PocketBase's shape: `subject` (plain text) and `body` (HTML) with `{APP_NAME}`,
 * `{APP_URL}`, `{TOKEN}`, `{OTP}`, `{OTP_ID}`, `{ALERT_INFO}` and `{RECORD:<field>}` placeholders. Absent or
 * null (which clears it): Edgebase's built-in email.
 */
export const emailTemplateSchema = z
  .object({
    subject: z
      .string()
      .min(1)
      .max(MAX_TEMPLATE_SUBJECT_LENGTH)
      .refine((s) => !/[\r\n]/.test(s), "The subject must be one line."),
    body: z.string().min(1).max(MAX_TEMPLATE_BODY_LENGTH),
  })
  .nullish()
  .transform((t) => t ?? undefined);

/** Options specific to auth collections (secrets excluded: they never travel through the API). */
export const authOptionsShape = {
  authRule: rule.default(""),
  manageRule: rule.default(null),
  authAlert: z
    .object({ enabled: z.boolean(), emailTemplate: emailTemplateSchema })
    .default({ enabled: false, emailTemplate: undefined }),
  verificationTemplate: emailTemplateSchema,
  resetPasswordTemplate: emailTemplateSchema,
  confirmEmailChangeTemplate: emailTemplateSchema,
  /**
   * PocketBase's access-token `duration`, plus Edgebase's session lifetime (seconds; absent = the defaults in
   * auth/session-schema.ts: 30 days idle, 1 year absolute): `idleTimeout` ends a session unused that long,
   * `maxLifetime` caps it from sign-in whatever the refreshes.
   */
  authToken: z
    .object({
      duration: z
        .number()
        .int()
        .min(1)
        .max(365 * 86_400),
      idleTimeout: z
        .number()
        .int()
        .min(60)
        .max(365 * 86_400)
        .optional(),
      maxLifetime: z
        .number()
        .int()
        .min(60)
        .max(5 * 365 * 86_400)
        .optional(),
    })
    .default({ duration: 604_800 }),
  passwordResetToken: duration(1_800),
  emailChangeToken: duration(1_800),
  verificationToken: duration(259_200),
  fileToken: duration(180),
  passwordAuth: z
    .object({
      enabled: z.boolean().default(true),
      identityFields: z.array(z.string().max(MAX_NAME_LENGTH)).min(1).max(10).default(["email"]),
    })
    .default({ enabled: true, identityFields: ["email"] }),
  otp: z
    .object({
      enabled: z.boolean().default(false),
      duration: z.number().int().min(10).max(86_400).default(180),
      length: z.number().int().min(4).max(32).default(8),
      emailTemplate: emailTemplateSchema,
    })
    .default({ enabled: false, duration: 180, length: 8, emailTemplate: undefined }),
  mfa: z
    .object({
      enabled: z.boolean().default(false),
      duration: z.number().int().min(10).max(86_400).default(1_800),
      rule: z.string().max(MAX_RULE_LENGTH).default(""),
    })
    .default({ enabled: false, duration: 1_800, rule: "" }),
  /**
   * Authenticator apps (Edgebase extension). They are always an MFA method for a record that enrolled one;
   * `standalone` also lets `auth-with-totp {identity, code}` sign in alone where MFA does not apply.
   */
  totp: z.object({ standalone: z.boolean().default(false) }).default({ standalone: false }),
  oauth2: oauth2OptionsSchema,
};

function typedSchemas<T extends z.ZodType>(field: T) {
  return z.discriminatedUnion("type", [
    z.object({ ...commonShape(field), type: z.literal("base") }),
    z.object({ ...commonShape(field), type: z.literal("auth"), ...authOptionsShape }),
    z.object({
      ...commonShape(field),
      type: z.literal("view"),
      viewQuery: z.string().max(MAX_VIEW_QUERY_LENGTH),
    }),
  ]);
}

/** A submitted collection: field definitions are checked one by one afterwards (for per-field error paths). */
export const collectionInputSchema = typedSchemas(z.record(z.string(), z.unknown()));

/** A parsed, not yet validated collection as submitted. */
export type CollectionInput = z.output<typeof collectionInputSchema>;

const storedSchema = typedSchemas(fieldSchema);
type Stored<T extends CollectionInput["type"]> = Omit<
  Extract<z.output<typeof storedSchema>, { type: T }>,
  "id"
> & {
  id: string;
  fields: Field[];
  created: string;
  updated: string;
};

/** A base collection: a table with fields and rules. */
export type BaseCollection = Stored<"base">;
/** An auth collection: a base collection with auth options and a token secret (never returned by the API). */
export type AuthCollection = Stored<"auth"> & { tokenSecret: string };
/** A view collection: a read-only SQL view. */
export type ViewCollection = Stored<"view">;
/** Any collection definition, as the store holds it. */
export type Collection = BaseCollection | AuthCollection | ViewCollection;
/** The type names of collections. */
export type CollectionType = Collection["type"];

/** A base collection with no fields, locked rules and no timestamps (templates and placeholders start here). */
export function blankCollection(id: string, name: string): BaseCollection {
  return {
    id,
    name,
    type: "base",
    system: false,
    fields: [],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "",
    updated: "",
  };
}

/** The JSON a superuser sees: the definition without secrets. */
export type PublicCollection =
  | Omit<BaseCollection, never>
  | Omit<AuthCollection, "tokenSecret">
  | ViewCollection;

/** The collection as the admin API returns it: PocketBase's key order, secrets stripped. */
export function toPublicCollection(collection: Collection): PublicCollection {
  const { id, name, type, system, fields, indexes, listRule, viewRule, createRule, updateRule, deleteRule } =
    collection;
  const head = {
    id,
    name,
    type,
    system,
    fields,
    indexes,
    listRule,
    viewRule,
    createRule,
    updateRule,
    deleteRule,
  };
  const { created, updated } = collection;
  if (collection.type === "view")
    return { ...head, type: "view", viewQuery: collection.viewQuery, created, updated };
  if (collection.type === "base") return { ...head, type: "base", created, updated };
  const { tokenSecret: _secret, created: _created, updated: _updated, ...auth } = collection;
  return { ...head, ...auth, oauth2: redactOAuth2(auth.oauth2), type: "auth", created, updated };
}
