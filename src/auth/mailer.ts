/** The Mailer port, a dev mailer (log + bounded in-memory outbox) and an HTTP mail API mailer. */
import type { Logger } from "../observability/logger";

/** One email. `to` is a single address. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends email. Endpoints that must not reveal whether an account exists send and swallow failures (logged). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** A message could not be sent (bad message, or the mail API refused it). */
export class MailerError extends Error {
  override name = "MailerError";
  /** The mail API's HTTP status, when it answered. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

/** Longest address and subject accepted; CR/LF are refused in both (header injection). */
export const MAX_MAIL_ADDRESS_LENGTH = 320;
export const MAX_MAIL_SUBJECT_LENGTH = 998;
/** Messages kept in the dev outbox (oldest dropped first). */
export const DEV_OUTBOX_LIMIT = 100;
/** How long the HTTP mailer waits for the mail API (ms). */
export const MAIL_API_TIMEOUT_MS = 10_000;

/** Refuses a bad recipient or subject (every transport checks before sending). */
export function checkMessage(message: MailMessage): void {
  const { to, subject } = message;
  if (typeof to !== "string" || to.length > MAX_MAIL_ADDRESS_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(to)) {
    throw new MailerError("invalid recipient address");
  }
  if (typeof subject !== "string" || subject.length > MAX_MAIL_SUBJECT_LENGTH || /[\r\n]/.test(subject)) {
    throw new MailerError("invalid subject");
  }
}

const outbox: MailMessage[] = [];

/** The dev outbox of this isolate, oldest first (copies). Tests read sign-up, reset and OTP mails here. */
export function readDevOutbox(): MailMessage[] {
  return outbox.map((m) => ({ ...m }));
}

/** Empties the dev outbox. */
export function clearDevOutbox(): void {
  outbox.length = 0;
}

/**
 * Local development: writes each message as one JSON log line and keeps it in the bounded dev outbox.
 * Never use it in production: links and codes in the messages would land in the logs.
 */
export function createDevMailer(log: Logger): Mailer {
  return {
    async send(message) {
      checkMessage(message);
      outbox.push({ ...message });
      if (outbox.length > DEV_OUTBOX_LIMIT) outbox.splice(0, outbox.length - DEV_OUTBOX_LIMIT);
      log.info("mail (dev outbox)", { mail: message });
    },
  };
}

/** Settings of {@link createHttpMailer}. */
export interface HttpMailerOptions {
  /** Endpoint receiving `POST {from, to, subject, text, html}` as JSON. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Sender address (e.g. `Edgebase <no-reply@example.com>`). */
  from: string;
  /** Outbound fetch (tests pass a stand-in for the remote API). */
  fetch?: typeof fetch;
}

/** Production: one JSON POST per message to a mail API; a non-2xx answer throws {@link MailerError}. */
export function createHttpMailer(options: HttpMailerOptions): Mailer {
  const doFetch = options.fetch ?? fetch;
  return {
    async send(message) {
      checkMessage(message);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      const body = JSON.stringify({ from: options.from, ...message });
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(MAIL_API_TIMEOUT_MS),
        });
      } catch (cause) {
        throw new MailerError("mail API unreachable", { cause });
      }
      // Drain the body so the connection is released; its content is the provider's, not ours to surface.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok)
        throw new MailerError(`mail API answered ${response.status}`, { status: response.status });
    },
  };
}
