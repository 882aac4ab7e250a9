/** A webhook's URL is checked when it is saved, as delivery checks it: a refused URL is a 400 on `url`. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { SUPERUSER } from "../realtime/helpers";
import type { Json } from "../records/harness";

const app = createEdgebase({
  logLevel: "off",
  authenticate: async () => SUPERUSER,
});

/** A request as a superuser, with the bindings of a deployment (`dev: false`) or of local development. */
async function send(method: string, path: string, body: unknown, dev: boolean) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`http://edgebase.test${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { ...env, EDGEBASE_DEV: dev ? "1" : undefined },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as Json };
}

const webhook = (name: string, url: string) => ({ name, url, events: ["create"], active: true });
const count = async (name: string) =>
  (
    await env.DB.prepare('SELECT COUNT(*) AS n FROM "_webhooks" WHERE name = ?')
      .bind(name)
      .first<{ n: number }>()
  )?.n;

describe("webhook URL at save", () => {
  it.each([
    ["http://127.0.0.1:9000/x", "Private and loopback addresses are not allowed."],
    ["http://169.254.169.254/latest", "Private and loopback addresses are not allowed."],
    ["http://10.0.0.8/x", "Private and loopback addresses are not allowed."],
    ["http://[fd00::1]/x", "Private and loopback addresses are not allowed."],
    ["http://localhost:8090/x", "Loopback webhook URLs are not allowed."],
    ["https://user:secret@hooks.example.com/x", "Webhook URLs may not carry credentials."],
  ])("in production, %s is a 400 on url and nothing is written", async (url, reason) => {
    const name = `prod ${url}`;
    const res = await send("POST", "/api/collections/_webhooks/records", webhook(name, url), false);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 400,
      message: "Failed to validate the submitted data.",
      data: { url: { code: "validation_unsafe_url", message: reason } },
    });
    expect(await count(name)).toBe(0);
  });

  it("in production, a public URL is saved; changing it to a private one is refused and keeps the old", async () => {
    const created = await send(
      "POST",
      "/api/collections/_webhooks/records",
      webhook("public", "https://hooks.example.com/in"),
      false,
    );
    expect(created.status).toBe(200);
    const path = `/api/collections/_webhooks/records/${created.body.id}`;
    const moved = await send("PATCH", path, { url: "http://192.168.1.20/in" }, false);
    expect(moved.status).toBe(400);
    expect(moved.body.data.url.code).toBe("validation_unsafe_url");
    const row = await env.DB.prepare('SELECT url FROM "_webhooks" WHERE id = ?')
      .bind(created.body.id)
      .first();
    expect(row).toEqual({ url: "https://hooks.example.com/in" });
    // A change of another field leaves the stored URL alone.
    expect((await send("PATCH", path, { name: "renamed" }, false)).status).toBe(200);
  });

  it("in local development, loopback receivers may be saved; credentials never", async () => {
    const ok = await send(
      "POST",
      "/api/collections/_webhooks/records",
      webhook("dev", "http://127.0.0.1:9/x"),
      true,
    );
    expect(ok.status).toBe(200);
    const creds = await send(
      "POST",
      "/api/collections/_webhooks/records",
      webhook("dev creds", "http://a:b@127.0.0.1:9/x"),
      true,
    );
    expect(creds.status).toBe(400);
    expect(creds.body.data.url.message).toBe("Webhook URLs may not carry credentials.");
  });

  it("refuses an unsafe URL inside a batch, writing none of the batch", async () => {
    const res = await send(
      "POST",
      "/api/batch",
      {
        requests: [
          {
            method: "POST",
            url: "/api/collections/_webhooks/records",
            body: webhook("batch ok", "https://a.example.com/"),
          },
          {
            method: "POST",
            url: "/api/collections/_webhooks/records",
            body: webhook("batch bad", "http://10.1.1.1/"),
          },
        ],
      },
      false,
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("validation_unsafe_url");
    expect([await count("batch ok"), await count("batch bad")]).toEqual([0, 0]);
  });
});
