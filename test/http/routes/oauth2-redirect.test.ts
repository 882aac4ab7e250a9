/**
 * `GET`/`POST /api/oauth2-redirect` through the Worker: the provider's redirect reaches the SSE client waiting
 * on `@oauth2` once, from the same IP bucket; everything else gets the "invalid" page and sends nothing.
 */
import { describe, expect, it } from "vitest";
import { api, apiJson } from "../../helpers/request";
import { FrameReader } from "../../realtime/helpers";

const IP = "203.0.113.5";

/** Opens an SSE stream from `ip` and subscribes it to `topics` (by default the SDK's `@oauth2`). */
async function waitingClient(ip = IP, topics = ["@oauth2"]) {
  const res = await api("/api/realtime", { headers: { "cf-connecting-ip": ip } });
  expect(res.status).toBe(200);
  const frames = new FrameReader(res);
  const connect = await frames.next();
  expect(connect.event).toBe("PB_CONNECT");
  const clientId = connect.id;
  await subscribe(clientId, topics);
  return { clientId, frames };
}

async function subscribe(clientId: string, subscriptions: string[]) {
  expect((await apiJson("POST", "/api/realtime", { clientId, subscriptions })).status).toBe(204);
}

function redirect(query: Record<string, string>, ip = IP) {
  return api(`/api/oauth2-redirect?${new URLSearchParams(query)}`, { headers: { "cf-connecting-ip": ip } });
}

async function expectPage(res: Response, status: number, text: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain("script-src");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const html = await res.text();
  expect(html).toMatch(text);
  expect(html).not.toMatch(/<script|https?:\/\//i);
  return html;
}

const SIGNED_IN = /Sign-in completed[\s\S]*close this window/;
const INVALID = /Invalid or expired sign-in[\s\S]*nothing was sent/;

describe("GET /api/oauth2-redirect", () => {
  it("sends {state, code} to the waiting client once; a replay gets the invalid page and sends nothing", async () => {
    const { clientId, frames } = await waitingClient();
    await expectPage(await redirect({ state: clientId, code: "code-1" }), 200, SIGNED_IN);
    expect(await frames.next()).toEqual({
      id: clientId,
      event: "@oauth2",
      data: { state: clientId, code: "code-1" },
    });

    await expectPage(await redirect({ state: clientId, code: "code-2" }), 400, INVALID);
    // Subscribing again arms one more delivery: the next frame is code-3, so code-2 never went out.
    await subscribe(clientId, ["@oauth2"]);
    await expectPage(await redirect({ state: clientId, code: "code-3" }), 200, SIGNED_IN);
    expect((await frames.next()).data).toEqual({ state: clientId, code: "code-3" });
    await frames.cancel();
  });

  it("sends the provider's error to the client and shows a failure page", async () => {
    const { clientId, frames } = await waitingClient();
    const res = await redirect({ state: clientId, error: "access_denied" });
    await expectPage(res, 400, /Sign-in failed[\s\S]*did not sign you in/);
    expect((await frames.next()).data).toEqual({ state: clientId, code: "", error: "access_denied" });
    await frames.cancel();
  });

  it("refuses a redirect from another IP and keeps the client waiting for the right one", async () => {
    const { clientId, frames } = await waitingClient("198.51.100.20");
    await expectPage(await redirect({ state: clientId, code: "stolen" }, "192.0.2.66"), 400, INVALID);
    await expectPage(await redirect({ state: clientId, code: "own" }, "198.51.100.20"), 200, SIGNED_IN);
    expect((await frames.next()).data).toEqual({ state: clientId, code: "own" });
    await frames.cancel();
  });

  it("refuses a client that does not wait on @oauth2 (never subscribed, or unsubscribed)", async () => {
    const { clientId, frames } = await waitingClient(IP, ["users/*"]);
    await expectPage(await redirect({ state: clientId, code: "x" }), 400, INVALID);
    await subscribe(clientId, ["@oauth2"]);
    await subscribe(clientId, []);
    await expectPage(await redirect({ state: clientId, code: "y" }), 400, INVALID);
    await subscribe(clientId, ["@oauth2"]);
    await redirect({ state: clientId, code: "z" });
    expect((await frames.next()).data).toEqual({ state: clientId, code: "z" });
    await frames.cancel();
  });

  it("answers hostile or unknown states with the invalid page, never an error or an echo", async () => {
    const { clientId, frames } = await waitingClient();
    const cases: [string, string][] = [
      ["", ""],
      ["missing state", "code=abc"],
      ["unknown client", `state=${"a".repeat(40)}&code=abc`],
      ["short state", "state=abc&code=abc"],
      ["upper-case state", `state=${clientId.toUpperCase()}&code=abc`],
      ["long state", `state=${"a".repeat(5000)}&code=abc`],
      ["oversize code", `state=${clientId}&code=${"c".repeat(5000)}`],
      ["oversize error", `state=${clientId}&error=${"e".repeat(2000)}`],
      ["repeated state", `state=${clientId}&state=${clientId}&code=abc`],
      ["markup", `state=${clientId}<script>&code=<script>alert(1)</script>`],
    ];
    for (const [name, query] of cases) {
      const res = await api(`/api/oauth2-redirect?${query}`, { headers: { "cf-connecting-ip": IP } });
      const html = await expectPage(res, 400, INVALID);
      expect(html, name).not.toContain("alert(1)");
    }
    // None of them consumed or reached the client.
    await redirect({ state: clientId, code: "after" });
    expect((await frames.next()).data).toEqual({ state: clientId, code: "after" });
    await frames.cancel();
  });
});

describe("POST /api/oauth2-redirect (form_post)", () => {
  it("accepts urlencoded, multipart and JSON bodies", async () => {
    const { clientId, frames } = await waitingClient();
    const bodies: [code: string, BodyInit, Record<string, string>][] = [
      [
        "urlencoded",
        new URLSearchParams({ state: clientId, code: "urlencoded", user: '{"name":{"firstName":"A"}}' }),
        {},
      ],
      ["multipart", formData({ state: clientId, code: "multipart" }), {}],
      ["json", JSON.stringify({ state: clientId, code: "json" }), { "content-type": "application/json" }],
    ];
    for (const [code, body, headers] of bodies) {
      const res = await api("/api/oauth2-redirect", {
        method: "POST",
        body,
        headers: { "cf-connecting-ip": IP, ...headers },
      });
      await expectPage(res, 200, SIGNED_IN);
      expect((await frames.next()).data, code).toEqual({ state: clientId, code });
      await subscribe(clientId, ["@oauth2"]);
    }
    await frames.cancel();
  });

  it("answers bad bodies with the invalid page", async () => {
    const { clientId, frames } = await waitingClient();
    const bad: [string, BodyInit, Record<string, string>][] = [
      ["bad json", "{not json", { "content-type": "application/json" }],
      ["json array", JSON.stringify([clientId]), { "content-type": "application/json" }],
      [
        "json wrong types",
        JSON.stringify({ state: clientId, code: 5 }),
        { "content-type": "application/json" },
      ],
      ["broken multipart", "--x\r\nnope", { "content-type": "multipart/form-data; boundary=x" }],
      ["file part", fileForm(clientId), {}],
    ];
    for (const [name, body, headers] of bad) {
      const res = await api("/api/oauth2-redirect", {
        method: "POST",
        body,
        headers: { "cf-connecting-ip": IP, ...headers },
      });
      expect(res.status, name).toBe(400);
      await expectPage(res, 400, INVALID);
    }
    await redirect({ state: clientId, code: "still-waiting" });
    expect((await frames.next()).data).toEqual({ state: clientId, code: "still-waiting" });
    await frames.cancel();
  });
});

function formData(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

function fileForm(clientId: string): FormData {
  const form = formData({ state: clientId });
  form.set("code", new File(["abc"], "code.txt"));
  return form;
}
