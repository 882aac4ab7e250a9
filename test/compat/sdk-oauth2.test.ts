/** The pocketbase SDK's OAuth2 code flow against a real local OIDC provider (test/global-setup/oidc.ts). */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createSuperuser, PASSWORD } from "../http/routes/auth-helpers";
import { sdkClient } from "./sdk-client";

const { issuer } = inject("oidc");
const REDIRECT = "https://app.example.com/oauth2-callback";

beforeAll(async () => {
  await createSuperuser("sdk-oauth2-root@example.com");
  const admin = sdkClient();
  await admin.collection("_superusers").authWithPassword("sdk-oauth2-root@example.com", PASSWORD);
  await admin.collections.update("users", {
    oauth2: {
      enabled: true,
      mappedFields: { name: "name" },
      providers: [
        {
          name: "oidc",
          clientId: "sdk-client",
          clientSecret: "sdk-secret",
          authURL: `${issuer}/authorize`,
          tokenURL: `${issuer}/token`,
          userInfoURL: `${issuer}/userinfo`,
          extra: { jwksURL: `${issuer}/jwks`, issuers: [issuer] },
        },
      ],
    },
  });
});

describe("SDK OAuth2", () => {
  it("lists the provider, signs in with authWithOAuth2Code, lists and unlinks external auths", async () => {
    const pb = sdkClient();
    const methods = await pb.collection("users").listAuthMethods();
    expect(methods.oauth2.enabled).toBe(true);
    const provider = methods.oauth2.providers[0];
    expect(provider?.name).toBe("oidc");
    const user = {
      sub: "sdk-user-1",
      email: "sdk-oauth@example.com",
      email_verified: true,
      name: "Sdk User",
    };
    const res = await fetch(
      `${provider?.authURL}${encodeURIComponent(REDIRECT)}&test_user=${encodeURIComponent(JSON.stringify(user))}`,
      { redirect: "manual" },
    );
    const code = new URL(res.headers.get("location") ?? "").searchParams.get("code") ?? "";

    const auth = await pb
      .collection("users")
      .authWithOAuth2Code("oidc", code, provider?.codeVerifier ?? "", REDIRECT, { emailVisibility: true });
    expect(auth.record).toMatchObject({ email: "sdk-oauth@example.com", name: "Sdk User", verified: true });
    expect(auth.meta).toMatchObject({ id: "sdk-user-1", isNew: true, email: "sdk-oauth@example.com" });
    expect(pb.authStore.isValid).toBe(true);
    expect(pb.authStore.record?.id).toBe(auth.record.id);

    const links = await pb.collection("users").listExternalAuths(auth.record.id);
    expect(links.map((l) => [l.provider, l.providerId])).toEqual([["oidc", "sdk-user-1"]]);
    // The account has no password: its only link cannot go.
    await expect(pb.collection("users").unlinkExternalAuth(auth.record.id, "oidc")).rejects.toMatchObject({
      status: 400,
    });
  });
});
