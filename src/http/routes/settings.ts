/** `/api/settings`: read (secrets masked) and change the settings; superusers only. */
import type { Hono } from "hono";
import { generateAppleClientSecret } from "../../auth/apple-client-secret";
import { sendTestEmail } from "../../auth/flows/test-email";
import { badRequest } from "../../lib/errors";
import { maskSettings, type SettingsStore, updateSettings } from "../../ops/settings";
import { type AuthRouteOptions, authDeps } from "../auth-deps";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";

/** Mounts the settings routes over the app's settings store; the test email uses the auth flows' mailer. */
export function settingsRoutes(app: Hono<AppEnv>, store: SettingsStore, auth: AuthRouteOptions): void {
  const guard = requireSuperuser();
  app.get("/api/settings", guard, async (c) => c.json(maskSettings(await store.load(c.env.DB, c.env))));
  app.patch("/api/settings", guard, async (c) => {
    const settings = await updateSettings({ db: c.env.DB, env: c.env, store }, await readJsonObject(c));
    return c.json(maskSettings(settings));
  });
  app.post("/api/settings/test/email", guard, async (c) => {
    await sendTestEmail(authDeps(c, auth), await readJsonObject(c));
    return c.body(null, 204);
  });
  // Edgebase keeps files and backups in R2 through bindings, never through S3 credentials.
  app.post("/api/settings/test/s3", guard, () => {
    throw badRequest(
      "Edgebase has no S3 storage to test: files and backups live in R2 through the FILES and BACKUPS bindings.",
    );
  });
  app.post("/api/settings/apple/generate-client-secret", guard, async (c) =>
    c.json({ secret: await generateAppleClientSecret(await readJsonObject(c)) }),
  );
}
