/** The auth options form's OAuth2 providers (write-only secrets) and email templates, to and from the API's shape. */
import { describe, expect, it } from "vitest";
import { authPayload, splitAuthOptions } from "../../dashboard/src/lib/auth-options";
import {
  applyTemplates,
  templatesFromCollection,
  templateValue,
} from "../../dashboard/src/lib/email-templates";
import {
  addableProviders,
  needsURLs,
  newProvider,
  oauth2FromCollection,
  oauth2Payload,
  type ProviderInfo,
} from "../../dashboard/src/lib/oauth2-form";

const LOADED = {
  enabled: true,
  mappedFields: { name: "name", avatarURL: "avatar" },
  providers: [
    {
      name: "oidc",
      displayName: "Company ID",
      clientId: "edgebase",
      authURL: "https://id.example.com/authorize",
      tokenURL: "https://id.example.com/token",
      userInfoURL: "",
      pkce: null,
      extra: { jwksURL: "https://id.example.com/jwks", issuers: ["https://id.example.com"], prompt: "login" },
    },
    { name: "github", clientId: "Iv1.abc", pkce: false },
  ],
};

describe("OAuth2 form", () => {
  it("loads providers as having a stored secret, with jwksURL and issuers split out of extra", () => {
    const form = oauth2FromCollection(LOADED);
    expect(form.enabled).toBe(true);
    expect(form.mappedFields).toEqual({ id: "", name: "name", username: "", avatarURL: "avatar" });
    expect(form.providers[0]).toEqual({
      name: "oidc",
      displayName: "Company ID",
      clientId: "edgebase",
      clientSecret: "",
      hasSecret: true,
      authURL: "https://id.example.com/authorize",
      tokenURL: "https://id.example.com/token",
      userInfoURL: "",
      pkce: null,
      jwksURL: "https://id.example.com/jwks",
      issuers: ["https://id.example.com"],
      extra: { prompt: "login" },
    });
    expect(form.providers[1]).toMatchObject({
      name: "github",
      displayName: "",
      pkce: false,
      hasSecret: true,
    });
    expect(oauth2FromCollection(undefined)).toEqual({
      enabled: false,
      mappedFields: { id: "", name: "", username: "", avatarURL: "" },
      providers: [],
    });
  });

  it("sends a client secret only when one was typed, so a save keeps the stored one", () => {
    const form = oauth2FromCollection(LOADED);
    const untouched = oauth2Payload(form).providers as Record<string, unknown>[];
    expect(untouched.every((p) => !("clientSecret" in p))).toBe(true);
    expect(untouched[0]).toEqual({
      name: "oidc",
      displayName: "Company ID",
      clientId: "edgebase",
      authURL: "https://id.example.com/authorize",
      tokenURL: "https://id.example.com/token",
      userInfoURL: "",
      pkce: null,
      extra: { prompt: "login", jwksURL: "https://id.example.com/jwks", issuers: ["https://id.example.com"] },
    });
    form.providers[1]!.clientSecret = "new-secret";
    form.providers[1]!.clientId = "  Iv1.def ";
    const changed = oauth2Payload(form).providers as Record<string, unknown>[];
    expect(changed[1]).toMatchObject({
      name: "github",
      clientId: "Iv1.def",
      clientSecret: "new-secret",
      pkce: false,
    });
    expect(changed[0]).not.toHaveProperty("clientSecret");
  });

  it("offers each provider once, and requires endpoints only for the generic OIDC ones", () => {
    const all = ["github", "oidc", "oidc2"].map((name) => ({ name, displayName: name }) as ProviderInfo);
    const form = oauth2FromCollection(LOADED);
    expect(addableProviders(all, form).map((p) => p.name)).toEqual(["oidc2"]);
    form.providers.push(newProvider({ name: "oidc2" }));
    expect(addableProviders(all, form)).toEqual([]);
    expect(form.providers[2]).toMatchObject({
      name: "oidc2",
      hasSecret: false,
      clientSecret: "",
      pkce: null,
    });
    expect([needsURLs("oidc"), needsURLs("oidc3"), needsURLs("github")]).toEqual([true, true, false]);
  });
});

describe("email templates", () => {
  it("reads the five templates from their places, absent or null as blank", () => {
    const t = templatesFromCollection({
      verificationTemplate: { subject: "Verify", body: "<p>{TOKEN}</p>" },
      resetPasswordTemplate: null,
      otp: { enabled: true, emailTemplate: { subject: "Code", body: "{OTP}" } },
      authAlert: { enabled: false },
    });
    expect(t).toEqual({
      verificationTemplate: { subject: "Verify", body: "<p>{TOKEN}</p>" },
      resetPasswordTemplate: { subject: "", body: "" },
      confirmEmailChangeTemplate: { subject: "", body: "" },
      "otp.emailTemplate": { subject: "Code", body: "{OTP}" },
      "authAlert.emailTemplate": { subject: "", body: "" },
    });
  });

  it("sends a blank template as null (the built-in email) and a half-filled one as is, for the API to refuse", () => {
    expect(templateValue({ subject: " ", body: "" })).toBeNull();
    expect(templateValue({ subject: "Hi", body: "" })).toEqual({ subject: "Hi", body: "" });
    const body: Record<string, unknown> = { otp: { enabled: true, duration: 60, length: 6 } };
    const t = templatesFromCollection({ otp: { emailTemplate: { subject: "Code", body: "{OTP}" } } });
    applyTemplates(body, t);
    expect(body).toEqual({
      otp: { enabled: true, duration: 60, length: 6, emailTemplate: { subject: "Code", body: "{OTP}" } },
      authAlert: { emailTemplate: null },
      verificationTemplate: null,
      resetPasswordTemplate: null,
      confirmEmailChangeTemplate: null,
    });
  });
});

describe("auth options round trip", () => {
  it("splits a collection into the form and builds the same options back, secrets left out", () => {
    const collection = {
      id: "x",
      name: "users",
      fields: [],
      oauth2: LOADED,
      otp: { enabled: true, duration: 60, length: 6, emailTemplate: { subject: "Code", body: "{OTP}" } },
      authAlert: { enabled: true, emailTemplate: null },
      confirmEmailChangeTemplate: { subject: "Change", body: "{TOKEN}" },
      futureOption: 1,
    };
    const { form, advanced } = splitAuthOptions(collection);
    expect(advanced).toEqual({ futureOption: 1 });
    expect(form.otp).toEqual({ enabled: true, duration: 60, length: 6 });
    expect(form.authAlert).toEqual({ enabled: true });
    const body = authPayload(form);
    expect(body.otp).toEqual(collection.otp);
    expect(body.authAlert).toEqual({ enabled: true, emailTemplate: null });
    expect(body.confirmEmailChangeTemplate).toEqual({ subject: "Change", body: "{TOKEN}" });
    expect(body.verificationTemplate).toBeNull();
    expect(body).not.toHaveProperty("templates");
    expect((body.oauth2 as { providers: unknown[] }).providers).toHaveLength(2);
    expect(JSON.stringify(body)).not.toContain("clientSecret");
    expect(JSON.stringify(body)).not.toContain("hasSecret");
  });
});
