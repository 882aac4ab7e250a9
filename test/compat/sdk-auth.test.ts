import { ClientResponseError } from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { createSuperuser, PASSWORD, signUp } from "../http/routes/auth-helpers";
import { sdkClient } from "./sdk-client";

const client = sdkClient;

let userId: string;

beforeAll(async () => {
  userId = await signUp("sdk@example.com", { name: "Sdk" });
  await createSuperuser("root@example.com");
});

describe("pocketbase SDK auth against the Worker", () => {
  it("authWithPassword stores a valid token and the record", async () => {
    const pb = client();
    const auth = await pb.collection("users").authWithPassword("SDK@example.com", PASSWORD);
    expect(auth.record.id).toBe(userId);
    expect(pb.authStore.isValid).toBe(true);
    expect(pb.authStore.record?.id).toBe(userId);
    expect(typeof (auth as unknown as { refreshToken: string }).refreshToken).toBe("string");
    // The stored token authorizes rule-guarded reads: users' viewRule is `id = @request.auth.id`.
    const me = await pb.collection("users").getOne(userId);
    expect(me).toMatchObject({ id: userId, name: "Sdk", email: "sdk@example.com" });
  });

  it("authRefresh renews the token and keeps the session usable", async () => {
    const pb = client();
    await pb.collection("users").authWithPassword("sdk@example.com", PASSWORD);
    const refreshed = await pb.collection("users").authRefresh();
    expect(refreshed.record.id).toBe(userId);
    expect(pb.authStore.token).toBeTruthy();
    expect(pb.authStore.isValid).toBe(true);
    const list = await pb.send("/api/sessions", { method: "GET" });
    expect(list.items.some((s: { current: boolean }) => s.current)).toBe(true);
  });

  it("wrong credentials reject with a 400 ClientResponseError; a dead token with 401", async () => {
    const pb = client();
    await expect(
      pb.collection("users").authWithPassword("sdk@example.com", "wrong password"),
    ).rejects.toMatchObject({
      status: 400,
    });
    await pb.collection("users").authWithPassword("sdk@example.com", PASSWORD);
    await pb.send("/api/sessions/logout", { method: "POST" });
    try {
      await pb.collection("users").authRefresh();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ClientResponseError);
      expect((err as ClientResponseError).status).toBe(401);
    }
  });

  it("superusers sign in through the SDK and reach admin routes", async () => {
    const pb = client();
    await pb.collection("_superusers").authWithPassword("root@example.com", PASSWORD);
    expect(pb.authStore.isSuperuser).toBe(true);
    const collections = await pb.collections.getFullList();
    expect(collections.map((c) => c.name)).toContain("users");
    const methods = await pb.collection("users").listAuthMethods();
    expect(methods.password.enabled).toBe(true);
  });
});
