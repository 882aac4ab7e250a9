import { describe, expect, it } from "vitest";
import {
  actionUrl,
  emailChangeEmail,
  escapeHtml,
  otpEmail,
  passwordResetEmail,
  verificationEmail,
} from "../../src/auth/mail-templates";

const app = { appName: "Acme" };

describe("mail templates", () => {
  it("builds PocketBase-style action links", () => {
    expect(actionUrl("https://acme.dev/", "confirm-verification", "a.b.c")).toBe(
      "https://acme.dev/_/#/auth/confirm-verification/a.b.c",
    );
    expect(actionUrl("https://acme.dev", "confirm-password-reset", "x y")).toBe(
      "https://acme.dev/_/#/auth/confirm-password-reset/x%20y",
    );
  });

  it.each([
    [verificationEmail, "Verify your Acme email"],
    [passwordResetEmail, "Reset your Acme password"],
    [emailChangeEmail, "Confirm your Acme new email address"],
  ] as const)("puts the link in text and html (%#)", (template, subject) => {
    const link = "https://acme.dev/_/#/auth/x/tok?a=1&b=2";
    const mail = template(app, { to: "ann@example.com", link });
    expect(mail.to).toBe("ann@example.com");
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(link);
    expect(mail.html).toContain('href="https://acme.dev/_/#/auth/x/tok?a=1&amp;b=2"');
  });

  it("escapes the app name in html", () => {
    const mail = verificationEmail({ appName: "<script>x</script>" }, { to: "a@b.co", link: "https://x" });
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
  });

  it("states the code and its lifetime in the OTP mail", () => {
    const mail = otpEmail(app, { to: "a@b.co", code: "12345678", ttlSeconds: 180 });
    expect(mail.subject).toBe("OTP for Acme");
    expect(mail.text).toContain("Your one-time password is: 12345678");
    expect(mail.text).toContain("3 minute(s)");
    expect(mail.html).toContain("12345678");
  });

  it("escapes all five HTML specials", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
