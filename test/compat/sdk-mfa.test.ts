/** The pocketbase SDK's MFA flow: authWithPassword → 401 with mfaId → authWithOTP(otpId, code, { mfaId }). */
import { env } from "cloudflare:workers";
import { ClientResponseError } from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../src/auth/mailer";
import { createSuperuser, PASSWORD, signUp } from "../http/routes/auth-helpers";
import { sdkClient } from "./sdk-client";

let userId: string;

beforeAll(async () => {
  userId = await signUp("sdk-mfa@example.com");
  await env.DB.prepare("UPDATE users SET verified = 1 WHERE id = ?").bind(userId).run();
  await createSuperuser("sdk-mfa-root@example.com");
  const admin = sdkClient();
  await admin.collection("_superusers").authWithPassword("sdk-mfa-root@example.com", PASSWORD);
  await admin.collections.update("users", {
    otp: { enabled: true, duration: 180, length: 8 },
    mfa: { enabled: true, duration: 300 },
  });
});

describe("pocketbase SDK MFA", () => {
  it("auth-methods shows MFA on", async () => {
    const methods = await sdkClient().collection("users").listAuthMethods();
    expect(methods.mfa).toEqual({ enabled: true, duration: 300 });
  });

  it("a password needs a second method: the 401 carries mfaId, and OTP with it signs in", async () => {
    const pb = sdkClient();
    const first = await pb
      .collection("users")
      .authWithPassword("sdk-mfa@example.com", PASSWORD)
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ClientResponseError);
    const error = first as ClientResponseError;
    expect(error.status).toBe(401);
    const mfaId = error.response.mfaId as string;
    expect(mfaId).toMatch(/^[a-z0-9]{15}$/);
    expect(pb.authStore.isValid).toBe(false);

    clearDevOutbox();
    const { otpId } = await pb.collection("users").requestOTP("sdk-mfa@example.com");
    const mail = readDevOutbox().find((m) => m.to === "sdk-mfa@example.com");
    const code = /one-time password is: ([0-9]+)/.exec(mail?.text ?? "")?.[1] ?? "";
    const auth = await pb.collection("users").authWithOTP(otpId, code, { mfaId });
    expect(auth.record.id).toBe(userId);
    expect(pb.authStore.isValid).toBe(true);
    expect(pb.authStore.record?.id).toBe(userId);
  });
});
