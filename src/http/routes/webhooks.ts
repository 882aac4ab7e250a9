/** `/api/webhooks`: superuser actions on webhook deliveries (listing and filtering go through the records API). */
import type { Hono } from "hono";
import { resendDelivery } from "../../webhooks";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";

/** Mounts `POST /api/webhooks/deliveries/{id}/resend`. */
export function webhookRoutes(app: Hono<AppEnv>): void {
  const guard = requireSuperuser();
  app.post("/api/webhooks/deliveries/:id/resend", guard, async (c) => {
    await resendDelivery(c.env, c.req.param("id"));
    return c.body(null, 204);
  });
}
