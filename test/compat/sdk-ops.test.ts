/** The official SDK's pb.settings, pb.logs, pb.backups and pb.crons against the Worker, as a signed-in superuser. */
import { env, exports } from "cloudflare:workers";
import PocketBase, { ClientResponseError } from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../src/auth/mailer";
import { createSuperuser, eventually, PASSWORD } from "../http/routes/auth-helpers";

const BASE = "http://edgebase.test";
let pb: PocketBase;

beforeAll(async () => {
  await createSuperuser("sdk-ops@example.com");
  pb = new PocketBase(BASE);
  pb.autoCancellation(false);
  pb.beforeSend = (url, options) => ({
    url,
    options: {
      ...options,
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        exports.default.fetch(new Request(input, init)),
    },
  });
  await pb.collection("_superusers").authWithPassword("sdk-ops@example.com", PASSWORD);
});

describe("pocketbase SDK: operations", () => {
  it("pb.settings.getAll / update / testS3", async () => {
    const all = await pb.settings.getAll();
    expect(all.meta.appName).toBe("Edgebase");
    const updated = await pb.settings.update({ meta: { appName: "Via SDK" }, logs: { maxDays: 7 } });
    expect(updated.meta.appName).toBe("Via SDK");
    expect((await pb.settings.getAll()).logs.maxDays).toBe(7);
    const bad = await pb.settings.update({ logs: { maxDays: -3 } }).catch((e) => e);
    expect(bad).toBeInstanceOf(ClientResponseError);
    expect(bad.status).toBe(400);
    expect(bad.response.data["logs.maxDays"].code).toMatch(/^validation_/);
    const s3 = await pb.settings.testS3("backups").catch((e) => e);
    expect(s3.status).toBe(400);
  });

  it("pb.settings.testEmail", async () => {
    clearDevOutbox();
    expect(await pb.settings.testEmail("users", "sdk-test@example.com", "verification")).toBe(true);
    expect(readDevOutbox().map((m) => [m.to, m.subject])).toEqual([
      ["sdk-test@example.com", expect.stringMatching(/^Verify your .+ email$/)],
    ]);
    const bad = await pb.settings.testEmail("users", "sdk-test@example.com", "welcome").catch((e) => e);
    expect(bad.status).toBe(400);
    expect(bad.response.data.template.code).toMatch(/^validation_/);
  });

  it("pb.settings.generateAppleClientSecret", async () => {
    const key = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ])) as CryptoKeyPair;
    const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", key.privateKey)) as ArrayBuffer);
    const pem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...der))}\n-----END PRIVATE KEY-----`;
    const { secret } = await pb.settings.generateAppleClientSecret(
      "com.example.web",
      "TEAM123456",
      "KEY1234567",
      pem,
      60,
    );
    expect(secret.split(".")).toHaveLength(3);
    const bad = await pb.settings
      .generateAppleClientSecret("com.example.web", "SHORT", "KEY1234567", pem, 60)
      .catch((e) => e);
    expect(bad.status).toBe(400);
    expect(bad.response.data.teamId.code).toMatch(/^validation_/);
  });

  it("pb.logs.getList / getOne / getStats", async () => {
    // Exact: the log requests themselves carry the marker in their own (encoded) URLs.
    const F = 'data.url = "/api/health?marker=sdklogs"';
    await pb.health.check({ query: { marker: "sdklogs" } });
    expect(await eventually(async () => (await pb.logs.getList(1, 10, { filter: F })).totalItems === 1)).toBe(
      true,
    );
    const list = await pb.logs.getList(1, 10, { filter: F, sort: "-created" });
    const item = list.items[0];
    expect(item?.data.status).toBe(200);
    const one = await pb.logs.getOne(item?.id ?? "");
    expect(one.message).toBe(item?.message);
    const stats = await pb.logs.getStats({ filter: F });
    expect(stats).toHaveLength(1);
    expect(stats[0]?.total).toBe(1);
    const missing = await pb.logs.getOne("nope").catch((e) => e);
    expect(missing.status).toBe(404);
  });

  it("pb.backups.getFullList / create / getDownloadURL / upload / restore / delete", async () => {
    await pb.backups.create("sdk_one.zip");
    const list = await pb.backups.getFullList();
    expect(list.map((b) => b.key)).toContain("sdk_one.zip");
    const token = await pb.files.getToken();
    const url = pb.backups.getDownloadURL(token, "sdk_one.zip");
    const res = await exports.default.fetch(new Request(url));
    expect(res.status).toBe(200);
    const bytes = await res.arrayBuffer();
    await pb.backups.upload({ file: new File([bytes], "sdk_two.zip") });
    expect((await pb.backups.getFullList()).map((b) => b.key)).toContain("sdk_two.zip");
    await pb.backups.restore("sdk_two.zip");
    // The restore brought back the superuser as it was: the session still works.
    expect((await pb.settings.getAll()).meta).toBeDefined();
    await pb.backups.delete("sdk_one.zip");
    await pb.backups.delete("sdk_two.zip");
    expect(await pb.backups.getFullList()).toEqual([]);
    expect(await env.BACKUPS.head("sdk_one.zip")).toBeNull();
  });

  it("pb.crons.getFullList / run", async () => {
    const jobs = await pb.crons.getFullList();
    expect(jobs.map((j) => j.id)).toEqual([
      "__filesCleanup__",
      "__pbAutoBackup__",
      "__pbLogsCleanup__",
      "__pbMFACleanup__",
      "__pbOTPCleanup__",
      "__webhooksSweep__",
    ]);
    expect(await pb.crons.run("__pbOTPCleanup__")).toBe(true);
    const missing = await pb.crons.run("nope").catch((e) => e);
    expect(missing.status).toBe(404);
  });
});
