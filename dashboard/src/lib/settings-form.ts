/**
 * The settings page's model: which fields each tab edits, and the PATCH body made from what changed. Secrets
 * (`mail.apiKey`, `smtp.password`) are never served by the API, so their inputs start empty and are sent only
 * when something is typed: untouched, the stored secret stays. Pure; unit-tested.
 */

/** The settings document as the API serves it: sections of fields. */
export type SettingsDoc = Record<string, Record<string, unknown>>;

/** Secret fields per section: write-only. */
export const SECRET_FIELDS: Record<string, readonly string[]> = { mail: ["apiKey"], smtp: ["password"] };

/** How a simple field is edited. */
export interface FieldSpec {
  section: string;
  key: string;
  label: string;
  kind: "text" | "email" | "url" | "number" | "bool" | "secret" | "list" | "select";
  help?: string;
  options?: { value: string | number; label: string }[];
  /** A heading shown above the first field of a group. */
  group?: string;
  /** Shown only while this boolean field of the same section is on (SMTP's details while SMTP is enabled). */
  shownWhen?: string;
}

/** One tab of the settings page: the sections it saves and its simple fields (custom parts are in the page). */
export interface SettingsTab {
  id: string;
  label: string;
  sections: string[];
  fields: FieldSpec[];
}

/** The tabs, in PocketBase's order where it has them. */
export const SETTINGS_TABS: SettingsTab[] = [
  {
    id: "application",
    label: "Application",
    sections: ["meta"],
    fields: [
      { section: "meta", key: "appName", label: "Application name", kind: "text" },
      {
        section: "meta",
        key: "appURL",
        label: "Application URL",
        kind: "url",
        help: "The public URL; the links in emails start with it.",
      },
      {
        section: "meta",
        key: "hideControls",
        label: "Hide collection create and edit controls",
        kind: "bool",
        help: "The dashboard hides schema changes (records stay editable); the API is unchanged.",
      },
    ],
  },
  {
    id: "mail",
    label: "Mail",
    sections: ["meta", "smtp", "mail"],
    fields: [
      { section: "meta", key: "senderName", label: "Sender name", kind: "text", group: "Sender" },
      { section: "meta", key: "senderAddress", label: "Sender address", kind: "email" },
      { section: "smtp", key: "enabled", label: "Send through an SMTP server", kind: "bool", group: "SMTP" },
      { section: "smtp", key: "host", label: "SMTP host", kind: "text", shownWhen: "enabled" },
      {
        section: "smtp",
        key: "port",
        label: "SMTP port",
        kind: "number",
        shownWhen: "enabled",
        help: "Cloudflare blocks port 25: use 587 (STARTTLS) or 465 (TLS).",
      },
      { section: "smtp", key: "username", label: "SMTP username", kind: "text", shownWhen: "enabled" },
      { section: "smtp", key: "password", label: "SMTP password", kind: "secret", shownWhen: "enabled" },
      {
        section: "smtp",
        key: "authMethod",
        label: "SMTP auth method",
        kind: "select",
        shownWhen: "enabled",
        options: [
          { value: "PLAIN", label: "PLAIN" },
          { value: "LOGIN", label: "LOGIN" },
        ],
      },
      {
        section: "smtp",
        key: "tls",
        label: "Implicit TLS (e.g. port 465)",
        kind: "bool",
        shownWhen: "enabled",
      },
      {
        section: "mail",
        key: "apiUrl",
        label: "HTTP mail API URL",
        kind: "url",
        group: "HTTP mail API",
        help: "Used when SMTP is off: each message is POSTed as {from, to, subject, text, html}.",
      },
      { section: "mail", key: "apiKey", label: "HTTP mail API key", kind: "secret" },
      {
        section: "mail",
        key: "emailBinding",
        label: "Send through Cloudflare Email Service (the EMAIL binding)",
        kind: "bool",
        group: "Cloudflare Email Service",
        help: 'Needs [[send_email]] name = "EMAIL" in wrangler.toml. SMTP, when on, is used first.',
      },
    ],
  },
  { id: "rate-limits", label: "Rate limits", sections: ["rateLimits"], fields: [] },
  {
    id: "trusted-proxy",
    label: "Trusted proxy",
    sections: ["trustedProxy"],
    fields: [
      {
        section: "trustedProxy",
        key: "headers",
        label: "Client IP headers",
        kind: "list",
        help: "Comma-separated, e.g. X-Forwarded-For. Empty: the client IP is cf-connecting-ip.",
      },
      {
        section: "trustedProxy",
        key: "useLeftmostIP",
        label: "Use the leftmost IP of a list (the original client)",
        kind: "bool",
      },
    ],
  },
  {
    id: "batch",
    label: "Batch",
    sections: ["batch"],
    fields: [
      { section: "batch", key: "enabled", label: "Enable the batch API", kind: "bool" },
      { section: "batch", key: "maxRequests", label: "Most requests per batch", kind: "number" },
      { section: "batch", key: "timeout", label: "Timeout (seconds)", kind: "number" },
      {
        section: "batch",
        key: "maxBodySize",
        label: "Largest body (bytes)",
        kind: "number",
        help: "0 keeps the app's body limit.",
      },
    ],
  },
  {
    id: "backups",
    label: "Backups",
    sections: ["backups"],
    fields: [
      {
        section: "backups",
        key: "cron",
        label: "Scheduled backup (cron expression, UTC)",
        kind: "text",
        help: 'e.g. "0 3 * * *" for 03:00 every day. Empty: no scheduled backups.',
      },
      { section: "backups", key: "cronMaxKeep", label: "Scheduled backups kept", kind: "number" },
    ],
  },
  {
    id: "logs",
    label: "Logs",
    sections: ["logs"],
    fields: [
      {
        section: "logs",
        key: "maxDays",
        label: "Days logs are kept",
        kind: "number",
        help: "0 turns request logging off.",
      },
      {
        section: "logs",
        key: "minLevel",
        label: "Lowest level stored",
        kind: "select",
        options: [
          { value: -4, label: "DEBUG (-4)" },
          { value: 0, label: "INFO (0)" },
          { value: 4, label: "WARN (4)" },
          { value: 8, label: "ERROR (8)" },
        ],
      },
      { section: "logs", key: "logIP", label: "Store the client IP", kind: "bool" },
      { section: "logs", key: "logAuthId", label: "Store the caller's record id", kind: "bool" },
    ],
  },
];

/** The fields of `tab` shown with the form's current values (hidden details of a switched-off transport left out). */
export function visibleFields(tab: SettingsTab, form: SettingsDoc): FieldSpec[] {
  return tab.fields.filter((f) => !f.shownWhen || form[f.section]?.[f.shownWhen] === true);
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The form's starting state: the served settings, with every secret field present and empty. */
export function formState(served: SettingsDoc): SettingsDoc {
  const out: SettingsDoc = structuredClone(served);
  for (const [section, keys] of Object.entries(SECRET_FIELDS)) {
    out[section] ??= {};
    for (const key of keys) (out[section] as Record<string, unknown>)[key] = "";
  }
  return out;
}

/**
 * The PATCH body for `sections`: per section, the fields whose value differs from `served`; a secret only when
 * something was typed. `{}` when nothing changed.
 */
export function settingsPatch(
  served: SettingsDoc,
  form: SettingsDoc,
  sections: readonly string[],
): SettingsDoc {
  const patch: SettingsDoc = {};
  for (const section of sections) {
    const before = served[section] ?? {};
    const after = form[section] ?? {};
    const secrets = SECRET_FIELDS[section] ?? [];
    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(after)) {
      if (secrets.includes(key)) {
        if (typeof value === "string" && value !== "") changed[key] = value;
      } else if (stable(value) !== stable(before[key])) {
        changed[key] = value;
      }
    }
    if (Object.keys(changed).length > 0) patch[section] = changed;
  }
  return patch;
}

/**
 * After a save: the fields that were sent take the served values (secrets emptied again); unsaved edits
 * elsewhere in the form stay.
 */
export function afterSave(form: SettingsDoc, saved: SettingsDoc, patch: SettingsDoc): SettingsDoc {
  const out = structuredClone(form);
  for (const [section, fields] of Object.entries(patch)) {
    const secrets = SECRET_FIELDS[section] ?? [];
    const target: Record<string, unknown> = out[section] ?? {};
    out[section] = target;
    for (const key of Object.keys(fields)) {
      target[key] = secrets.includes(key) ? "" : structuredClone(saved[section]?.[key]);
    }
  }
  return out;
}

/** A rate-limit rule as the form edits it. */
export interface RateLimitRule {
  label: string;
  maxRequests: number;
  duration: number;
  audience: "" | "@guest" | "@auth";
}

/** A new rule for the rate-limit table (PocketBase's example). */
export function newRateLimitRule(): RateLimitRule {
  return { label: "", maxRequests: 300, duration: 10, audience: "" };
}
