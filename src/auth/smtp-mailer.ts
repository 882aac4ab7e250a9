/**
 * The SMTP transport: one connection per message over a Workers TCP socket (`cloudflare:sockets`), through the
 * maintained worker-mailer client. Loaded on first send, so isolates that never mail pay nothing for it.
 */
import { type Mailer, MailerError } from "./mailer";

/** The `smtp` settings section (PocketBase's shape; `localName` must stay "": worker-mailer cannot set it). */
export interface SmtpConfig {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  password: string;
  /** SMTP AUTH method: PLAIN (PocketBase's default) or LOGIN. */
  authMethod: "PLAIN" | "LOGIN";
  /** true: implicit TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  tls: boolean;
}

/** How long a connection and each server answer may take (ms); a stuck server fails the send instead. */
export const SMTP_TIMEOUT_MS = 10_000;

/** Sends each message over SMTP from `from` (an address, optionally with a display name). */
export function createSmtpMailer(config: SmtpConfig, from: { name?: string; email: string }): Mailer {
  return {
    async send(message) {
      const { WorkerMailer, LogLevel } = await import("worker-mailer");
      try {
        await WorkerMailer.send(
          {
            host: config.host,
            port: config.port,
            secure: config.tls,
            startTls: true,
            credentials: config.username
              ? { username: config.username, password: config.password }
              : undefined,
            authType: config.authMethod === "LOGIN" ? "login" : "plain",
            // Its own console logging would print server replies; failures reach the caller as MailerError.
            logLevel: LogLevel.NONE,
            socketTimeoutMs: SMTP_TIMEOUT_MS,
            responseTimeoutMs: SMTP_TIMEOUT_MS,
          },
          { from, to: message.to, subject: message.subject, text: message.text, html: message.html },
        );
      } catch (cause) {
        // The server's reply can quote credentials back (AUTH lines): keep it out of the message.
        throw new MailerError("SMTP server refused or unreachable", { cause });
      }
    },
  };
}
