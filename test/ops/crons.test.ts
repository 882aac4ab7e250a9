/**
 * Crons: expressions, the runner's isolation of failures and time limits, the scheduled handler in workerd
 * running the built-in jobs that are due, and `/api/crons` (list, run now) through the Worker.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { createLogger } from "../../src/observability/logger";
import { CronRegistry, isDue, parseCron, runDue } from "../../src/ops/crons";
import { eventually } from "../http/routes/auth-helpers";
import { call, type Json, superuserToken, userToken } from "./helpers";

const at = (iso: string) => new Date(iso);

describe("cron expressions", () => {
  it.each([
    ["* * * * *", "2026-03-04T05:06:00Z", true],
    ["*/15 * * * *", "2026-03-04T05:30:00Z", true],
    ["*/15 * * * *", "2026-03-04T05:31:00Z", false],
    ["0 */6 * * *", "2026-03-04T12:00:00Z", true],
    ["0 */6 * * *", "2026-03-04T13:00:00Z", false],
    ["5-10/5 1,2 * * *", "2026-03-04T02:10:00Z", true],
    ["0 0 1 1 *", "2026-01-01T00:00:00Z", true],
    ["@hourly", "2026-03-04T05:00:00Z", true],
    ["@daily", "2026-03-04T05:00:00Z", false],
    ["@weekly", "2026-03-01T00:00:00Z", true],
    ["0 0 * * 1-5", "2026-03-01T00:00:00Z", false],
  ])("%s at %s → %s", (expr, when, due) => {
    expect(isDue(parseCron(expr), at(when))).toBe(due);
  });

  it.each([
    "",
    "* * * *",
    "60 * * * *",
    "* 24 * * *",
    "* * 0 * *",
    "*/0 * * * *",
    "5-1 * * * *",
    "a * * * *",
    "@never",
    "1,,2 * * * *",
    "* ".repeat(200),
  ])("refuses %j", (expr) => {
    expect(() => parseCron(expr)).toThrow();
  });

  it("refuses duplicate ids, bad ids and bad expressions when the app is built", () => {
    const run = async () => undefined;
    expect(
      () =>
        new CronRegistry([
          { id: "a", expression: "* * * * *", run },
          { id: "a", expression: "* * * * *", run },
        ]),
    ).toThrow(/duplicate/);
    expect(() => new CronRegistry([{ id: "a b", expression: "* * * * *", run }])).toThrow(/id/);
    expect(() => createEdgebase({ crons: [{ id: "x", expression: "bad", run }] })).toThrow();
  });
});

describe("runner", () => {
  it("runs the due jobs; a failing or hanging job is logged and does not stop the others", async () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    const ran: string[] = [];
    const registry = new CronRegistry([
      { id: "ok", expression: "* * * * *", run: async () => void ran.push("ok") },
      { id: "boom", expression: "* * * * *", run: async () => Promise.reject(new Error("kaboom")) },
      { id: "hang", expression: "* * * * *", timeoutMs: 50, run: () => new Promise(() => undefined) },
      { id: "later", expression: "0 0 1 1 *", run: async () => void ran.push("later") },
    ]);
    const outcomes = await runDue(registry, {
      env,
      now: at("2026-03-04T05:06:00Z"),
      scheduled: true,
      log,
      waitUntil: () => undefined,
    });
    expect(ran).toEqual(["ok"]);
    expect(outcomes.map((o) => [o.id, o.ok])).toEqual([
      ["ok", true],
      ["boom", false],
      ["hang", false],
    ]);
    const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level === "error");
    expect(errors.map((e) => e.cronJob).sort()).toEqual(["boom", "hang"]);
    expect(errors.find((e) => e.cronJob === "hang").error).toContain("timed out");
  });
});

describe("scheduled handler (workerd)", () => {
  it("runs the built-in jobs when due: old logs and expired one-time codes are deleted", async () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    await env.LOGS.prepare("DELETE FROM _logs").run();
    await env.LOGS.prepare(
      "INSERT INTO _logs (id, level, message, data, created) VALUES (?, 0, 'old', '{}', ?), (?, 0, 'new', '{}', ?)",
    )
      .bind("oldlog000000001", "2026-05-01 00:00:00.000Z", "newlog000000001", "2026-05-31 12:00:00.000Z")
      .run();
    await env.DB.prepare(
      "INSERT INTO _otps (id, collectionRef, recordRef, hash, expires) VALUES ('otpexpired00001', 'c', 'r', 'h', ?), ('otpvalid0000001', 'c', 'r', 'h', ?)",
    )
      .bind(now - 1000, now + 3_600_000)
      .run();
    // The Worker entry's own scheduled handler, as Cron Triggers call it (the typed export only lists fetch).
    const worker = exports.default as unknown as {
      scheduled(o: { scheduledTime: Date; cron: string }): Promise<unknown>;
    };
    await worker.scheduled({ scheduledTime: new Date(now), cron: "* * * * *" });
    const logs = await env.LOGS.prepare("SELECT id FROM _logs ORDER BY id").all();
    expect(logs.results.map((r) => r.id)).toEqual(["newlog000000001"]);
    const otps = await env.DB.prepare("SELECT id FROM _otps WHERE id LIKE 'otp%0000%' ORDER BY id").all();
    expect(otps.results.map((r) => r.id)).toEqual(["otpvalid0000001"]);
  });

  it("runs the user's jobs from createEdgebase({ crons }) only when due, and stores a failure with the job id", async () => {
    const ran: string[] = [];
    const app = createEdgebase({
      logLevel: "off",
      crons: [
        {
          id: "every5",
          expression: "*/5 * * * *",
          run: async ({ now }) => void ran.push(`every5@${now.toISOString()}`),
        },
        {
          id: "failing",
          expression: "*/5 * * * *",
          run: async () => Promise.reject(new Error("user job broke")),
        },
      ],
    });
    for (const minute of ["2026-06-01T00:03:00Z", "2026-06-01T00:05:00Z"]) {
      const ctx = createExecutionContext();
      await app.scheduled(
        createScheduledController({ scheduledTime: Date.parse(minute), cron: "* * * * *" }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    }
    expect(ran).toEqual(["every5@2026-06-01T00:05:00.000Z"]);
    const row = await env.LOGS.prepare(
      "SELECT level, data FROM _logs WHERE message = 'cron job failed'",
    ).first<Json>();
    expect(row?.level).toBe(8);
    expect(JSON.parse(row?.data).cronJob).toBe("failing");
  });
});

describe("/api/crons", () => {
  let admin: string;
  let user: string;
  beforeAll(async () => {
    admin = await superuserToken();
    user = await userToken();
  });

  it("lists the jobs as [{id, expression}]", async () => {
    const res = await call("GET", "/api/crons", admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { id: "__filesCleanup__", expression: "30 * * * *" },
      { id: "__pbAutoBackup__", expression: "* * * * *" },
      { id: "__pbLogsCleanup__", expression: "0 */6 * * *" },
      { id: "__pbMFACleanup__", expression: "0 * * * *" },
      { id: "__pbOTPCleanup__", expression: "0 * * * *" },
      { id: "__webhooksSweep__", expression: "* * * * *" },
    ]);
  });

  it("runs one now (204), and 404s an unknown id", async () => {
    await env.DB.prepare(
      "INSERT INTO _otps (id, collectionRef, recordRef, hash, expires) VALUES ('otpexpired00002', 'c', 'r', 'h', 1)",
    ).run();
    expect((await call("POST", "/api/crons/__pbOTPCleanup__", admin)).status).toBe(204);
    expect(
      await eventually(
        async () => !(await env.DB.prepare("SELECT 1 FROM _otps WHERE id = 'otpexpired00002'").first()),
      ),
    ).toBe(true);
    const missing = await call("POST", "/api/crons/nope", admin);
    expect(missing.status).toBe(404);
    expect((await call("POST", `/api/crons/${"x".repeat(3000)}`, admin)).status).toBe(404);
  });

  it.each([
    ["GET", "/api/crons"],
    ["POST", "/api/crons/__pbOTPCleanup__"],
  ])("%s %s: 401 for guests, 403 for users", async (method, path) => {
    expect((await call(method, path, null)).status).toBe(401);
    expect((await call(method, path, user)).status).toBe(403);
  });
});
