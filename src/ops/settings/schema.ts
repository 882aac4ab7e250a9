/**
 * The settings document (PocketBase's `/api/settings` shape where it applies): its zod schema, the defaults
 * taken from the environment, and which fields are secrets. Only sections Edgebase enforces exist here: a
 * setting that could be stored but would change nothing is refused as an unknown key.
 */
import { z } from "zod";
import { splitSender } from "../../auth/mail-transport";
import { MAX_BATCH_REQUESTS } from "../../records/batch";
import { parseCron } from "../crons/expression";

/** PocketBase's log levels: debug -4, info 0, warn 4, error 8. */
export const LOG_LEVELS = { debug: -4, info: 0, warn: 4, error: 8 } as const;

const text = (max: number) => z.string().max(max);
const email = z
  .string()
  .max(320)
  .regex(/^[^\s@<>"]+@[^\s@<>"]+$/, "Must be a valid email address.");
const httpUrl = z
  .string()
  .max(2000)
  .refine((v) => v === "" || /^https?:\/\/[^\s]+$/.test(v), "Must be an http(s) URL.");

const metaSchema = z.strictObject({
  appName: text(255).min(1),
  appURL: httpUrl,
  senderName: text(255).min(1),
  senderAddress: email,
});

const logsSchema = z.strictObject({
  /** Days a request log is kept; 0 turns request logging off (PocketBase's meaning). */
  maxDays: z.number().int().min(0).max(3650),
  /** Lowest level stored (PocketBase's numbers: -4 debug, 0 info, 4 warn, 8 error). */
  minLevel: z.number().int().min(-100).max(100),
  logIP: z.boolean(),
  logAuthId: z.boolean(),
});

const mailSchema = z.strictObject({
  /** Endpoint of the HTTP mail API (`POST {from, to, subject, text, html}`); "" uses no HTTP API. */
  apiUrl: httpUrl,
  /** Bearer token of the mail API (a secret: never returned). */
  apiKey: text(1000),
});

const smtpSchema = z.strictObject({
  enabled: z.boolean(),
  host: text(255),
  port: z.number().int().min(1).max(65_535),
  username: text(255),
  /** A secret: never returned. */
  password: text(1000),
  authMethod: z.enum(["PLAIN", "LOGIN"]),
  tls: z.boolean(),
  // PocketBase's EHLO name. The Workers SMTP client always greets as 127.0.0.1, so only "" (the default) is
  // accepted: a stored name that is never sent would be a setting that does nothing.
  localName: z.literal("", { error: "Not supported: the SMTP client cannot set the EHLO name." }),
});

const backupsSchema = z.strictObject({
  /** When the scheduled backup runs (a cron expression, UTC); "" runs none. */
  cron: z
    .string()
    .max(200)
    .refine((v) => {
      if (v === "") return true;
      try {
        parseCron(v);
        return true;
      } catch {
        return false;
      }
    }, "Must be a valid cron expression."),
  /** Scheduled backups kept (older `@auto_` ones are deleted). */
  cronMaxKeep: z.number().int().min(1).max(1000),
});

const batchSchema = z.strictObject({
  /** `POST /api/batch` and GraphQL's `batch` mutation; off answers 403 (PocketBase's meaning). */
  enabled: z.boolean(),
  /** Most requests in one batch (each costs statements in the one D1 batch, hence the ceiling). */
  maxRequests: z.number().int().min(1).max(MAX_BATCH_REQUESTS),
  /** Seconds a batch may take to plan before it is refused with nothing written. */
  timeout: z.number().int().min(1).max(300),
  /** Largest `POST /api/batch` body in bytes; 0 keeps the app's body limit (which also caps any value). */
  maxBodySize: z.number().int().min(0).max(1_000_000_000),
});

/** PocketBase's rule labels: `METHOD /path`, `/path` (a prefix when it ends in `/`), `name:action`, `*:action`. */
export const RATE_LIMIT_LABEL = /^(\w+ \/[\w/-]*|\/[\w/-]*|\w+:\w+|\*:\w+|\w+)$/;

const rateLimitsSchema = z.strictObject({
  enabled: z.boolean(),
  rules: z
    .array(
      z.strictObject({
        label: z.string().max(200).regex(RATE_LIMIT_LABEL, "Invalid rule label."),
        maxRequests: z.number().int().min(1).max(1_000_000),
        /** Window in seconds. */
        duration: z.number().int().min(1).max(86_400),
        audience: z.enum(["", "@guest", "@auth"]),
      }),
    )
    .max(100),
});

const trustedProxySchema = z.strictObject({
  /** Headers holding the client IP when a proxy sits in front of the Worker (e.g. `X-Forwarded-For`). */
  headers: z
    .array(
      z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9-]+$/),
    )
    .max(10),
  /** Take the leftmost address of a list (the original client) rather than the rightmost (the nearest hop). */
  useLeftmostIP: z.boolean(),
});

/** The whole settings document as stored and served (secrets included; mask before serving). */
export const settingsSchema = z.strictObject({
  meta: metaSchema,
  logs: logsSchema,
  batch: batchSchema,
  mail: mailSchema,
  smtp: smtpSchema,
  backups: backupsSchema,
  rateLimits: rateLimitsSchema,
  trustedProxy: trustedProxySchema,
});

/** Effective settings. */
export type Settings = z.output<typeof settingsSchema>;

/** Paths of secret fields: never served, and an empty or absent value in a PATCH keeps the stored one. */
export const SECRET_PATHS: readonly (readonly [keyof Settings, string])[] = [
  ["mail", "apiKey"],
  ["smtp", "password"],
];

/** Environment values that seed the defaults (settings override them field by field). */
export interface SettingsEnv {
  APP_URL?: string;
  APP_NAME?: string;
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  MAIL_FROM?: string;
}

/** The defaults: PocketBase's, with the environment (APP_URL, APP_NAME, MAIL_*) where it is set. */
export function defaultSettings(bindings: object): Settings {
  // The Worker's env is an interface without these optional names: read them through SettingsEnv.
  const env = bindings as SettingsEnv;
  // MAIL_FROM may hold `Name <address>` or a bare address.
  const from = splitSender(env.MAIL_FROM ?? "");
  return {
    meta: {
      appName: env.APP_NAME || "Edgebase",
      appURL: env.APP_URL ?? "",
      senderName: from.name ?? "Support",
      senderAddress: from.email || "no-reply@localhost",
    },
    logs: { maxDays: 5, minLevel: LOG_LEVELS.info, logIP: true, logAuthId: false },
    // On by default, unlike PocketBase: Edgebase served batches before this setting existed. The timeout is
    // longer than PocketBase's 3 s because planning is D1 round trips, not a local SQLite file.
    batch: { enabled: true, maxRequests: 50, timeout: 10, maxBodySize: 0 },
    mail: { apiUrl: env.MAIL_API_URL ?? "", apiKey: env.MAIL_API_KEY ?? "" },
    smtp: {
      enabled: false,
      host: "smtp.example.com",
      port: 587,
      username: "",
      password: "",
      authMethod: "PLAIN",
      tls: false,
      localName: "",
    },
    backups: { cron: "", cronMaxKeep: 3 },
    // PocketBase's default rules, off until enabled (as in PocketBase).
    rateLimits: {
      enabled: false,
      rules: [
        { label: "*:auth", maxRequests: 2, duration: 3, audience: "" },
        { label: "*:create", maxRequests: 20, duration: 5, audience: "" },
        { label: "/api/batch", maxRequests: 3, duration: 1, audience: "" },
        { label: "/api/", maxRequests: 300, duration: 10, audience: "" },
      ],
    },
    trustedProxy: { headers: [], useLeftmostIP: false },
  };
}
