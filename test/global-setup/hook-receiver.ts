/**
 * A real HTTP server hooks call in the tests: `POST {url}/...` records the call, `GET {url}/calls` lists the
 * calls received so far, `DELETE {url}/calls` forgets them.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/** One call the receiver got. */
export interface ReceivedCall {
  path: string;
  body: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    hookReceiver: { url: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const calls: ReceivedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method === "POST") calls.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString() });
      if (req.method === "DELETE") calls.length = 0;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(calls));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("hookReceiver", { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
