/** `POST /api/files/token`: a short-lived file token for the signed-in caller (protected files, backup downloads). */
import type { Hono } from "hono";
import { createFileToken } from "../../auth/file-token";
import { subjectLoader } from "../../auth/flows/auth-records";
import type { CollectionStore } from "../../collections/store";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../context";

/** Mounts the file token route. */
export function fileTokenRoutes(app: Hono<AppEnv>, store: CollectionStore): void {
  app.post("/api/files/token", async (c) => {
    const auth = c.var.auth;
    if (!auth) throw unauthorized();
    const token = await createFileToken(auth, subjectLoader({ db: c.var.sessions.primary().d1, store }));
    return c.json({ token });
  });
}
