/** Shared helpers of the webhook tests: the real receiver started by test/global-setup/webhook-receiver.ts. */
import { env, exports } from "cloudflare:workers";
import PocketBase from "pocketbase";
import { inject } from "vitest";
import type { ReceivedWebhook, ReceiverMode } from "../global-setup/webhook-receiver";
import { createSuperuser, PASSWORD } from "../http/routes/auth-helpers";

/** The receiver's base URL. */
export const receiver = () => inject("webhookReceiver").url;

/** The URL a webhook named `name` posts to. */
export const hookUrl = (name: string) => `${receiver()}/hook/${name}`;

/** What hook `name` has received so far. */
export async function received(name: string): Promise<ReceivedWebhook[]> {
  const res = await fetch(`${receiver()}/requests?name=${name}`);
  return (await res.json()) as ReceivedWebhook[];
}

/** Sets how the receiver answers hook `name`. */
export async function setMode(name: string, mode: ReceiverMode): Promise<void> {
  await fetch(`${receiver()}/mode/${name}`, { method: "PUT", body: JSON.stringify({ mode }) });
}

/** Polls `check` (every 100 ms, up to `ms`) until it returns true. */
export async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** A pocketbase SDK client signed in as a new superuser, talking to the Worker's default export. */
export async function superuserClient(email: string): Promise<PocketBase> {
  await createSuperuser(email);
  const pb = new PocketBase("http://edgebase.test");
  pb.autoCancellation(false);
  pb.beforeSend = (url, options) => ({
    url,
    options: {
      ...options,
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        exports.default.fetch(new Request(input, init)),
    },
  });
  await pb.collection("_superusers").authWithPassword(email, PASSWORD);
  return pb;
}

/** A delivery row as stored. */
export async function deliveriesOf(webhookId: string): Promise<Record<string, unknown>[]> {
  const { results } = await env.DB.prepare(
    'SELECT * FROM "_webhookDeliveries" WHERE webhook = ? ORDER BY rowid',
  )
    .bind(webhookId)
    .all<Record<string, unknown>>();
  return results;
}

/** A delivery's body. */
export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: { collection: string; record: Record<string, unknown> };
}
