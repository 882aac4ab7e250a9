/**
 * Picks the mail transport from configuration: SMTP, the Email Service binding, the HTTP mail API, or (local
 * dev) the dev outbox.
 */
import type { Logger } from "../observability/logger";
import { createBindingMailer } from "./binding-mailer";
import { checkMessage, createDevMailer, createHttpMailer, type Mailer } from "./mailer";
import { createSmtpMailer, type SmtpConfig } from "./smtp-mailer";

/**
 * Mail settings (from the settings document, which the environment seeds):
 * - `MAIL_API_URL`: the mail API endpoint. When set, mail is sent over HTTP.
 * - `MAIL_API_KEY`: bearer token for that API (a wrangler secret).
 * - `MAIL_FROM`: sender, `Name <address>` or an address (default `no-reply@localhost`).
 * - `smtp`: when enabled, mail goes over SMTP instead (it wins over the others).
 * - `binding`: the Worker's `send_email` binding, when the settings turn it on (it wins over the HTTP API).
 * With none of them, the dev mailer is used.
 */
export interface MailConfig {
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  MAIL_FROM?: string;
  smtp?: SmtpConfig;
  binding?: SendEmail;
}

/** Whether the config names a real transport (SMTP, the binding or the HTTP API) rather than the dev mailer. */
export function hasMailTransport(config: MailConfig): boolean {
  return Boolean(config.smtp?.enabled || config.binding || config.MAIL_API_URL);
}

/**
 * Picks the mailer from configuration: SMTP when enabled, else the Email Service binding when given, else the
 * HTTP mailer when MAIL_API_URL is set, else the dev mailer.
 */
export function createMailer(config: MailConfig, log: Logger, fetcher?: typeof fetch): Mailer {
  const from = config.MAIL_FROM ?? "no-reply@localhost";
  if (config.smtp?.enabled) return checked(createSmtpMailer(config.smtp, splitSender(from)));
  if (config.binding) return checked(createBindingMailer(config.binding, splitSender(from)));
  if (!config.MAIL_API_URL) return createDevMailer(log);
  return createHttpMailer({ url: config.MAIL_API_URL, apiKey: config.MAIL_API_KEY, from, fetch: fetcher });
}

// Every transport refuses a bad recipient or subject before it connects anywhere.
function checked(mailer: Mailer): Mailer {
  return {
    send: (message) => {
      checkMessage(message);
      return mailer.send(message);
    },
  };
}

/** Splits `Name <address>` (or a bare address) into its parts: SMTP's envelope and the settings need them apart. */
export function splitSender(from: string): { name?: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from);
  return m ? { name: m[1] || undefined, email: m[2] ?? "" } : { email: from.trim() };
}
