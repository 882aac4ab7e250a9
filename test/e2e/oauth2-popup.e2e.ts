/**
 * The SDK's all-in-one `authWithOAuth2({ provider: "oidc" })` in a real Chromium against a real `wrangler dev`
 * and a local OIDC provider: an app page on its own origin loads the pocketbase SDK, the popup goes through the
 * provider's authorize endpoint to `/api/oauth2-redirect`, the code reaches the page over realtime, and the page
 * ends signed in. Then a replayed redirect gets the invalid page, and the `urlCallback` form shows the success
 * page. Screenshots go to test/e2e/screenshots/.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OidcProvider, startOidcProvider, type TestUser } from "../global-setup/oidc";
import { type DevServer, fetchServer, startDevServer, superuserToken } from "../helpers/dev-server.node";
import { launchBrowser, screenshot } from "./browser";

let server: DevServer;
let provider: OidcProvider;
let app: { url: string; server: Server };
let browser: Browser;
let context: BrowserContext;
let page: Page;

const sdkSource = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve("pocketbase")), "pocketbase.es.mjs"),
  "utf8",
);

/** The app: one page with a sign-in button, and the SDK, served from an origin of its own. */
function appPage(apiUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo app</title></head><body>
<main><h1>Demo app</h1><button id="popup">Sign in with Local ID</button>
<button id="callback">Sign in (urlCallback)</button><p id="status">Signed out</p></main>
<script type="module">
import PocketBase from "/pocketbase.es.mjs";
const pb = new PocketBase(${JSON.stringify(apiUrl)});
const status = document.getElementById("status");
async function signIn(options) {
  try {
    const auth = await pb.collection("users").authWithOAuth2({ provider: "oidc", ...options });
    status.textContent = "Signed in as " + auth.record.email + (auth.meta.isNew ? " (new)" : "");
  } catch (error) {
    status.textContent = "Failed: " + error.message;
  }
}
document.getElementById("popup").onclick = () => signIn({});
document.getElementById("callback").onclick = () =>
  signIn({ urlCallback: (url) => { window.authUrl = url; } });
window.pb = pb;
</script></body></html>`;
}

async function startApp(apiUrl: string): Promise<{ url: string; server: Server }> {
  const http = createServer((req, res) => {
    if (req.url === "/pocketbase.es.mjs") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(sdkSource);
    } else {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(appPage(apiUrl));
    }
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server: http };
}

const USER: TestUser = {
  sub: "browser-user-1",
  email: "popup@example.com",
  email_verified: true,
  name: "Popup User",
};

beforeAll(async () => {
  provider = await startOidcProvider();
  server = await startDevServer();
  const token = await superuserToken(server);
  const res = await fetchServer(`${server.url}/api/collections/users`, {
    method: "PATCH",
    headers: { authorization: token, "content-type": "application/json" },
    body: JSON.stringify({
      oauth2: {
        enabled: true,
        mappedFields: { name: "name" },
        providers: [
          {
            name: "oidc",
            displayName: "Local ID",
            clientId: "browser-client",
            clientSecret: "browser-secret",
            // The local provider signs in whoever the authorization URL names (test/global-setup/oidc.ts).
            authURL: `${provider.issuer}/authorize?test_user=${encodeURIComponent(JSON.stringify(USER))}`,
            tokenURL: `${provider.issuer}/token`,
            userInfoURL: `${provider.issuer}/userinfo`,
            extra: { jwksURL: `${provider.issuer}/jwks`, issuers: [provider.issuer] },
          },
        ],
      },
    }),
  });
  expect(res.status, await res.text()).toBe(200);
  app = await startApp(server.url);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => app?.server.close(resolve));
  await server?.stop();
  await provider?.stop();
});

describe("authWithOAuth2 in a browser", () => {
  let redirectUrl = "";

  it("signs the page in through the popup, the provider, the redirect and realtime", async () => {
    await page.goto(app.url);
    await screenshot(page, "oauth2-01-app-signed-out");
    const statuses: [string, number][] = [];
    context.on("response", (response) => {
      const url = new URL(response.url());
      if (url.pathname.endsWith("/authorize") || url.pathname === "/api/oauth2-redirect") {
        statuses.push([url.pathname, response.status()]);
        if (url.pathname === "/api/oauth2-redirect") redirectUrl = response.url();
      }
    });
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("button", { name: "Sign in with Local ID" }).click(),
    ]);
    await expect
      .poll(() => page.locator("#status").textContent())
      .toBe("Signed in as popup@example.com (new)");
    await screenshot(page, "oauth2-02-app-signed-in");
    // The SDK closes its popup once the code arrived.
    await expect.poll(() => popup.isClosed()).toBe(true);
    expect(statuses).toContainEqual(["/api/oauth2-redirect", 200]);
    expect(statuses.filter(([path]) => path === "/api/oauth2-redirect")).toHaveLength(1);
    const stored = await page.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's SDK instance.
      const pb = (globalThis as any).pb;
      return {
        valid: pb.authStore.isValid,
        email: pb.authStore.record?.email,
        name: pb.authStore.record?.name,
      };
    });
    expect(stored).toEqual({ valid: true, email: USER.email, name: USER.name });
  });

  it("shows the invalid page for a replayed redirect and sends nothing", async () => {
    expect(redirectUrl).toContain("state=");
    const replay = await context.newPage();
    const res = await replay.goto(redirectUrl);
    expect(res?.status()).toBe(400);
    await replay.getByRole("heading", { name: "Invalid or expired sign-in" }).waitFor();
    expect(res?.headers()["content-security-policy"]).toContain("default-src 'none'");
    await screenshot(replay, "oauth2-03-replayed-redirect");
    await replay.close();
    expect(await page.locator("#status").textContent()).toBe("Signed in as popup@example.com (new)");
  });

  it("with urlCallback, the app opens the URL itself and the window shows the success page", async () => {
    await page.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's SDK instance.
      (globalThis as any).pb.authStore.clear();
    });
    await page.getByRole("button", { name: "Sign in (urlCallback)" }).click();
    const url = await page.waitForFunction(() => (globalThis as { authUrl?: string }).authUrl);
    const tab = await context.newPage();
    await tab.goto(String(await url.jsonValue()));
    await tab.getByRole("heading", { name: "Sign-in completed" }).waitFor();
    expect(await tab.locator("p").textContent()).toContain("You can close this window");
    await screenshot(tab, "oauth2-04-redirect-success-page");
    await expect.poll(() => page.locator("#status").textContent()).toBe("Signed in as popup@example.com");
    await screenshot(page, "oauth2-05-app-signed-in-again");
  });
});
