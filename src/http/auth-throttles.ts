/** Auth throttles that guard record writes: password checks on update and sign-ups (REST and batch alike). */
import type { Context } from "hono";
import { throttlePasswordCheck, throttleSignUp } from "../auth/flows/throttle";
import { SUPERUSERS } from "../collections/names";
import type { CollectionStore } from "../collections/store";
import { clientIp } from "./auth-deps";
import type { AppEnv } from "./context";

/** A record write about to run: its collection (name or id), its record id on update, its body. */
export interface RecordWrite {
  collection: string;
  id?: string;
  body: unknown;
}

/**
 * Throttles a write to an auth collection before the records engine runs it: an update carrying `oldPassword`
 * counts as a password check of that record, a create by a non-superuser as a sign-up of the client's IP.
 * Why here and not in records/: the engine knows no rate limiter (records never import auth).
 */
export async function throttleRecordWrite(
  c: Context<AppEnv>,
  store: CollectionStore,
  write: RecordWrite,
): Promise<void> {
  const checksPassword = write.id !== undefined && hasKey(write.body, "oldPassword");
  const signsUp = write.id === undefined && c.var.auth?.collectionName !== SUPERUSERS;
  if (!checksPassword && !signsUp) return;
  const collection = (await store.snapshot(c.var.d1)).find(write.collection);
  if (collection?.type !== "auth") return;
  const deps = {
    limiter: c.env.RATE_LIMITER,
    client: { ip: clientIp(c), userAgent: "" },
  };
  if (checksPassword) await throttlePasswordCheck(deps, collection.id, String(write.id));
  else await throttleSignUp(deps);
}

function hasKey(body: unknown, key: string): boolean {
  return typeof body === "object" && body !== null && Object.hasOwn(body, key);
}

const RECORDS_URL = /^\/api\/collections\/([^/?#]+)\/records(?:\/([^/?#]+))?(?:\?.*)?$/;

/**
 * The record writes of a `POST /api/batch` body, read leniently (the batch engine validates it properly):
 * creates (`POST`), updates (`PATCH …/{id}`) and upserts naming an id (`PUT` with `id` in the body).
 */
export function batchWrites(input: Record<string, unknown>, max: number): RecordWrite[] {
  const list = Array.isArray(input.requests) ? input.requests.slice(0, max) : [];
  const writes: RecordWrite[] = [];
  for (const item of list) {
    if (typeof item !== "object" || item === null) continue;
    const { method, url, body } = item as { method?: unknown; url?: unknown; body?: unknown };
    const match = typeof url === "string" ? RECORDS_URL.exec(url) : null;
    if (!match || typeof method !== "string") continue;
    const collection = decodeURIComponent(match[1] ?? "");
    const verb = method.toUpperCase();
    if (verb === "POST" && match[2] === undefined) writes.push({ collection, body });
    if (verb === "PATCH" && match[2] !== undefined) writes.push({ collection, id: match[2], body });
    const upsertId = (body as { id?: unknown } | undefined)?.id;
    if (verb === "PUT" && typeof upsertId === "string") writes.push({ collection, id: upsertId, body });
  }
  return writes;
}
