/**
 * `/api/backups`: list, create, upload, download (with a superuser's file token), delete and restore; superusers
 * only. After a restore this isolate reloads its collections and settings at once (others within the bound).
 */
import type { Hono } from "hono";
import { verifyFileToken } from "../../auth/file-token";
import { subjectLoader } from "../../auth/flows/auth-records";
import { TokenError } from "../../auth/token-error";
import { SUPERUSERS } from "../../collections";
import type { CollectionStore } from "../../collections/store";
import { badRequest, forbidden } from "../../lib/errors";
import {
  createBackup,
  deleteBackup,
  listBackups,
  MAX_ARCHIVE_BYTES,
  readBackup,
  restoreBackup,
  uploadBackup,
} from "../../ops/backups";
import type { SettingsStore } from "../../ops/settings";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";

/** What the backup routes need from the app. */
export interface BackupRouteOptions {
  collections: CollectionStore;
  settings: SettingsStore;
}

/** Mounts the backups routes. */
export function backupRoutes(app: Hono<AppEnv>, options: BackupRouteOptions): void {
  const guard = requireSuperuser();
  const deps = (env: Cloudflare.Env) => ({ db: env.DB, bucket: env.BACKUPS });

  app.get("/api/backups", guard, async (c) => c.json(await listBackups(c.env.BACKUPS)));
  app.post("/api/backups", guard, async (c) => {
    const body = await readJsonObject(c);
    const name = body.name;
    if (name !== undefined && typeof name !== "string") {
      throw badRequest("Failed to validate the submitted data.", {
        name: { code: "validation_invalid_value", message: "Must be a string." },
      });
    }
    await createBackup(deps(c.env), name);
    return c.body(null, 204);
  });
  app.post("/api/backups/upload", guard, async (c) => {
    const length = Number(c.req.header("content-length") ?? 0);
    if (length > MAX_ARCHIVE_BYTES + 64 * 1024) throw badRequest("The backup is too large.");
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw badRequest("Expected a multipart form with a `file` field.");
    }
    const file = form.get("file");
    if (!(file instanceof File)) {
      throw badRequest("Failed to validate the submitted data.", {
        file: { code: "validation_required", message: "Missing required value." },
      });
    }
    await uploadBackup(c.env.BACKUPS, file.name, new Uint8Array(await file.arrayBuffer()));
    return c.body(null, 204);
  });
  // Downloads authenticate with `?token=` (a superuser's file token): browsers open them as plain links.
  app.get("/api/backups/:key", async (c) => {
    const loader = subjectLoader({ db: c.var.sessions.primary().d1, store: options.collections });
    let collectionName: string;
    try {
      const resolved = await verifyFileToken(c.req.query("token") ?? "", loader);
      collectionName = resolved.record.collection.name;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw badRequest("Filesystem initialization failure.");
    }
    if (collectionName !== SUPERUSERS) throw forbidden("Only superusers can download backups.");
    const object = await readBackup(c.env.BACKUPS, c.req.param("key"));
    return new Response(object.body, {
      headers: {
        "content-type": "application/zip",
        "content-length": String(object.size),
        "content-disposition": `attachment; filename="${c.req.param("key")}"`,
        "cache-control": "no-store",
      },
    });
  });
  app.delete("/api/backups/:key", guard, async (c) => {
    await deleteBackup(c.env.BACKUPS, c.req.param("key"));
    return c.body(null, 204);
  });
  app.post("/api/backups/:key/restore", guard, async (c) => {
    await restoreBackup(deps(c.env), c.req.param("key"));
    await options.collections.load(c.env.DB);
    await options.settings.load(c.env.DB, c.env);
    return c.body(null, 204);
  });
}
