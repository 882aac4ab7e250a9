/**
 * The settings document (PocketBase's `/api/settings` shape where it applies): its zod schema, the defaults
 * taken from the environment, and which fields are secrets. Only sections Edgebase enforces exist here: a
 * setting that could be stored but would change nothing is refused as an unknown key.
 */
import { z } from "zod";
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

/** The whole settings document as stored and served (secrets included; mask before serving). */
export const settingsSchema = z.strictObject({
  meta: metaSchema,
  logs: logsSchema,
  mail: mailSchema,
  backups: backupsSchema,
});

/** Effective settings. */
export type Settings = z.output<typeof settingsSchema>;

/** Paths of secret fields: never served, and an empty or absent value in a PATCH keeps the stored one. */
export const SECRET_PATHS: readonly (readonly [keyof Settings, string])[] = [["mail", "apiKey"]];

/** Environment values that seed the defaults (settings override them field by field). */
export interface SettingsEnv {
  APP_URL?: string;
  APP_NAME?: string;
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  MAIL_FROM?: string;
}

/** Splits `Name <addr>` (or a bare address) as MAIL_FROM may hold either. */
function splitFrom(from: string | undefined): { name?: string; address?: string } {
  if (!from) return {};
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from);
  return m ? { name: m[1] || undefined, address: m[2] } : { address: from.trim() };
}

/** The defaults: PocketBase's, with the environment (APP_URL, APP_NAME, MAIL_*) where it is set. */
export function defaultSettings(bindings: object): Settings {
  // The Worker's env is an interface without these optional names: read them through SettingsEnv.
  const env = bindings as SettingsEnv;
  const from = splitFrom(env.MAIL_FROM);
  return {
    meta: {
      appName: env.APP_NAME || "Edgebase",
      appURL: env.APP_URL ?? "",
      senderName: from.name ?? "Support",
      senderAddress: from.address ?? "no-reply@localhost",
    },
    logs: { maxDays: 5, minLevel: LOG_LEVELS.info, logIP: true, logAuthId: false },
    mail: { apiUrl: env.MAIL_API_URL ?? "", apiKey: env.MAIL_API_KEY ?? "" },
    backups: { cron: "", cronMaxKeep: 3 },
  };
}
