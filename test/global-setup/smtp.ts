/**
 * A real SMTP server for the mail tests (smtp-server, AUTH PLAIN and LOGIN, no TLS), plus a small HTTP inbox
 * the workers tests read: `GET {inboxUrl}` lists the parsed messages, `DELETE {inboxUrl}` empties it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { TestProject } from "vitest/node";

/** One received message, as the tests see it. */
export interface InboxMessage {
  /** The SMTP account that sent it. */
  user: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The only account the server accepts. */
export const SMTP_USER = { username: "mailer", password: "smtp-secret" };

declare module "vitest" {
  export interface ProvidedContext {
    smtp: { port: number; inboxUrl: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const inbox: InboxMessage[] = [];
  const smtp = new SMTPServer({
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER.username && auth.password === SMTP_USER.password) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error("Invalid username or password"));
      }
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
          inbox.push({
            user: String(session.user ?? ""),
            from: mail.from?.text ?? "",
            to: to?.value[0]?.address ?? "",
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));

  const http = createServer((req, res) => {
    if (req.method === "DELETE") inbox.length = 0;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(inbox));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));

  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (http.address() as AddressInfo).port;
  project.provide("smtp", { port: smtpPort, inboxUrl: `http://127.0.0.1:${httpPort}/inbox` });
  return async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
}
