/**
 * A real HTTP receiver for the webhook tests. `POST /hook/{name}` records the request (method, path,
 * headers, body) and answers as its name's mode says: "ok" (204, the default), "error" (500), "down" (the
 * connection is dropped without an answer), "slow" (answers after 3 s), "redirect" (302 to another host).
 * Control, over plain JSON: `GET /requests?name=` lists what a name received, `PUT /mode/{name}` with
 * `{"mode": …}` sets its mode.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/** How the receiver answers a hook. */
export type ReceiverMode = "ok" | "error" | "down" | "slow" | "redirect";

/** One request a hook received. */
export interface ReceivedWebhook {
  name: string;
  headers: Record<string, string>;
  body: string;
  /** The mode the receiver answered with. */
  mode: ReceiverMode;
}

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiver: { url: string };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const received: ReceivedWebhook[] = [];
  const modes = new Map<string, ReceiverMode>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const body = await readBody(req);
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      const hook = /^\/hook\/([\w-]+)$/.exec(url.pathname);
      if (hook && req.method === "POST") {
        const name = hook[1] as string;
        const mode = modes.get(name) ?? "ok";
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
        received.push({ name, headers, body, mode });
        if (mode === "down") return req.socket.destroy();
        if (mode === "error") return json(500, { message: "receiver error" });
        if (mode === "redirect")
          return res.writeHead(302, { location: "http://example.com/elsewhere" }).end();
        if (mode === "slow") return setTimeout(() => res.writeHead(204).end(), 3000);
        return res.writeHead(204).end();
      }
      const mode = /^\/mode\/([\w-]+)$/.exec(url.pathname);
      if (mode && req.method === "PUT") {
        modes.set(mode[1] as string, (JSON.parse(body) as { mode: ReceiverMode }).mode);
        return json(200, {});
      }
      if (url.pathname === "/requests" && req.method === "GET") {
        const name = url.searchParams.get("name");
        return json(
          200,
          received.filter((r) => r.name === name),
        );
      }
      json(404, {});
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("webhookReceiver", { url: `http://127.0.0.1:${port}` });
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
