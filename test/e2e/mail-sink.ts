/** A real HTTP mail API for browser tests: the Worker's HTTP mailer (MAIL_API_URL) posts each message here. */
import { createServer, type Server } from "node:http";

/** One message as the Worker's HTTP mailer sends it. */
export interface SunkMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** A running sink: its URL, the messages received so far, and stop(). */
export interface MailSink {
  url: string;
  messages: SunkMail[];
  /** Waits for a message to `to` (polls; fails after the timeout). */
  waitFor(to: string, timeoutMs?: number): Promise<SunkMail>;
  stop(): Promise<void>;
}

/** Starts the sink on a free loopback port. */
export async function startMailSink(): Promise<MailSink> {
  const messages: SunkMail[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      try {
        messages.push(JSON.parse(body) as SunkMail);
        res.writeHead(202).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/send`,
    messages,
    async waitFor(to, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = messages.find((m) => m.to === to);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no mail to ${to} within ${timeoutMs} ms (got ${messages.length})`);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
