/** Shared by the mail tests: the settings of the real SMTP server (test/global-setup/smtp.ts) and a clean slate. */
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { clearDevOutbox } from "../../src/auth/mailer";
import { SETTINGS_KEY } from "../../src/ops/settings";
import type { InboxMessage } from "../global-setup/smtp";
import { SMTP_USER } from "../global-setup/smtp";
import { call } from "./helpers";

/** The SMTP server's port and its HTTP inbox. */
export const smtpServer = inject("smtp");

/** An `smtp` settings section pointing at the test server, with `overrides`. */
export function smtpSettings(overrides: Record<string, unknown> = {}) {
  return {
    enabled: true,
    host: "127.0.0.1",
    port: smtpServer.port,
    username: SMTP_USER.username,
    password: SMTP_USER.password,
    authMethod: "PLAIN",
    tls: false,
    ...overrides,
  };
}

/** Messages the SMTP server received, oldest first. */
export async function inbox(): Promise<InboxMessage[]> {
  return (await (await fetch(smtpServer.inboxUrl)).json()) as InboxMessage[];
}

/** Settings back to their defaults (then `settings` applied), the SMTP inbox and the dev outbox emptied. */
export async function resetMail(admin: string, settings: Record<string, unknown> = {}): Promise<void> {
  await env.DB.prepare("DELETE FROM _params WHERE key = ?").bind(SETTINGS_KEY).run();
  await call("PATCH", "/api/settings", admin, settings);
  await fetch(smtpServer.inboxUrl, { method: "DELETE" });
  clearDevOutbox();
}
