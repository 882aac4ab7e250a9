/**
 * The Cloudflare Email Service transport: the Worker's `send_email` binding (`EMAIL`). No credentials and no
 * socket; the account's Email Service decides which senders and recipients are allowed.
 */
import { type Mailer, MailerError } from "./mailer";

/** Sends each message through `binding` from `from` (an address, optionally with a display name). */
export function createBindingMailer(binding: SendEmail, from: { name?: string; email: string }): Mailer {
  return {
    async send(message) {
      try {
        await binding.send({
          from: from.name ? { name: from.name, email: from.email } : from.email,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
        });
      } catch (cause) {
        // The binding's words can name the account's allowed addresses: the cause is kept for the log only.
        throw new MailerError("the email binding refused the message", { cause });
      }
    },
  };
}
