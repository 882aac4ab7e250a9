/** Outbound safety: which URLs a delivery may call, and how a send treats redirects, slow receivers and big answers. */
import { describe, expect, it } from "vitest";
import { postDelivery, signedHeaders } from "../../src/webhooks/send";
import { unsafeUrlReason } from "../../src/webhooks/url-safety";
import { hookUrl, received, setMode } from "./helpers";

const PRIVATE = "Private and loopback addresses are not allowed.";

describe("unsafeUrlReason", () => {
  it.each([
    ["https://hooks.example.com/x", undefined],
    ["http://93.184.216.34:8080/x", undefined],
    ["http://[2606:4700::1111]/x", undefined],
    ["http://127.0.0.1/x", PRIVATE],
    ["http://127.1/x", PRIVATE],
    ["http://2130706433/x", PRIVATE],
    ["http://0x7f000001/x", PRIVATE],
    ["http://0.0.0.0/x", PRIVATE],
    ["http://10.1.2.3/x", PRIVATE],
    ["http://172.16.0.1/x", PRIVATE],
    ["http://172.31.255.255/x", PRIVATE],
    ["http://192.168.1.1/x", PRIVATE],
    ["http://169.254.169.254/latest/meta-data", PRIVATE],
    ["http://100.64.0.1/x", PRIVATE],
    ["http://224.0.0.1/x", PRIVATE],
    ["http://[::1]/x", PRIVATE],
    ["http://[::]/x", PRIVATE],
    ["http://[::ffff:127.0.0.1]/x", PRIVATE],
    ["http://[::ffff:a9fe:a9fe]/x", PRIVATE],
    ["http://[fc00::1]/x", PRIVATE],
    ["http://[fd12:3456:789a::1]/x", PRIVATE],
    ["http://[fe80::1]/x", PRIVATE],
    ["http://localhost:8090/x", "Loopback webhook URLs are not allowed."],
    ["http://api.localhost/x", "Loopback webhook URLs are not allowed."],
    ["ftp://example.com/x", "Only http and https webhook URLs are allowed."],
    ["file:///etc/passwd", "Only http and https webhook URLs are allowed."],
    ["javascript:alert(1)", "Only http and https webhook URLs are allowed."],
    ["https://user:pass@example.com/x", "Webhook URLs may not carry credentials."],
    ["not a url", "The webhook URL is not a valid URL."],
  ])("%s in production: %s", (url, reason) => {
    expect(unsafeUrlReason(url, { dev: false })).toBe(reason);
  });

  it("allows private and loopback receivers in local development only, never other schemes", () => {
    expect(unsafeUrlReason("http://127.0.0.1:9000/x", { dev: true })).toBeUndefined();
    expect(unsafeUrlReason("http://[::1]:9000/x", { dev: true })).toBeUndefined();
    expect(unsafeUrlReason("ftp://127.0.0.1/x", { dev: true })).toBe(
      "Only http and https webhook URLs are allowed.",
    );
  });
});

describe("postDelivery", () => {
  const headers = signedHeaders("c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "msg1", "{}", new Date());

  it("does not follow a redirect to another host", async () => {
    await setMode("redirect", "redirect");
    const result = await postDelivery(hookUrl("redirect"), "{}", headers);
    expect(result).toEqual({ ok: false, status: 302, error: "Redirects are not followed." });
    expect(await received("redirect")).toHaveLength(1);
  });

  it("gives up on a receiver slower than the timeout", async () => {
    await setMode("slow", "slow");
    const started = Date.now();
    const result = await postDelivery(hookUrl("slow"), "{}", headers, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(result).toEqual({ ok: false, status: 0, error: "The receiver did not answer in time." });
  });

  it("reports an unreachable receiver without its URL", async () => {
    const result = await postDelivery("http://127.0.0.1:1/secret-token-in-path", "{}", headers);
    expect(result).toEqual({ ok: false, status: 0, error: "The receiver could not be reached." });
  });

  it("signs with the Standard Webhooks headers", () => {
    expect(headers["webhook-id"]).toBe("msg1");
    expect(headers["webhook-timestamp"]).toMatch(/^\d{10}$/);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });
});
