/** `GET`/`POST /api/oauth2-redirect`: the provider's redirect of PocketBase's all-in-one OAuth2 popup flow. */
import type { Context, Hono } from "hono";
import { deliverOAuth2Redirect } from "../../realtime/oauth2-redirect";
import type { AppEnv } from "../context";
import { oauth2RedirectPage } from "../oauth2-redirect-page";

/**
 * The fields of a `form_post` redirect (Apple's): urlencoded, multipart or JSON. Unreadable input is `{}`,
 * which delivers nothing: the popup always gets a page, never the JSON error shape.
 */
async function formFields(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  try {
    if (type.startsWith("application/json")) {
      const value: unknown = await c.req.json();
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
    }
    if (type.startsWith("multipart/form-data")) {
      const form = await c.req.raw.formData();
      return { state: form.get("state"), code: form.get("code"), error: form.get("error") };
    }
    return Object.fromEntries(new URLSearchParams(await c.req.text()));
  } catch {
    return {};
  }
}

/** Picks the three fields PocketBase reads; a repeated query key or a file part fails validation. */
function pick(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["state", "code", "error"]) {
    if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
  }
  return out;
}

/** Mounts the redirect routes (only with realtime: the result travels over the SDK's SSE connection). */
export function oauth2RedirectRoutes(app: Hono<AppEnv>): void {
  const handle = async (c: Context<AppEnv>, input: Record<string, unknown>) => {
    const outcome = await deliverOAuth2Redirect(
      c.env.REALTIME_CLIENT,
      pick(input),
      c.req.header("cf-connecting-ip"),
    );
    return oauth2RedirectPage(outcome);
  };
  app.get("/api/oauth2-redirect", (c) => {
    const query = c.req.queries();
    // A key given twice is ambiguous: it stays a list, which validation refuses.
    const input = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
    return handle(c, input);
  });
  app.post("/api/oauth2-redirect", async (c) => handle(c, await formFields(c)));
}
