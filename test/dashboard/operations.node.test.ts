/** The operations pages' client logic: chart bucketing, settings diffing and secrets, webhook bodies, formats. */
import { describe, expect, it } from "vitest";
import { describeCron } from "../../dashboard/src/lib/cron-text";
import { formatBytes } from "../../dashboard/src/lib/format";
import {
  barLabel,
  hourlySeries,
  labelIndexes,
  niceMax,
  periodStart,
  statsFilter,
} from "../../dashboard/src/lib/log-chart";
import { detailRows, LOG_FILTER_SCHEMA, levelName, logsFilter } from "../../dashboard/src/lib/log-view";
import { suggest } from "../../dashboard/src/lib/rule-complete";
import {
  afterSave,
  formState,
  SETTINGS_TABS,
  settingsPatch,
  visibleFields,
} from "../../dashboard/src/lib/settings-form";
import { deliveriesFilter, webhookBody, webhookForm } from "../../dashboard/src/lib/webhook-form";

describe("requests-per-hour chart", () => {
  const now = new Date("2026-03-10T14:37:12.000Z");

  it("starts the period on the hour, so the last bar is the current hour", () => {
    expect(periodStart(now, 24).toISOString()).toBe("2026-03-09T15:00:00.000Z");
    expect(periodStart(now, 1).toISOString()).toBe("2026-03-10T14:00:00.000Z");
  });

  it("fills the hours the API did not list with zeros and drops hours outside the period", () => {
    const since = periodStart(now, 4);
    const bars = hourlySeries(
      [
        { date: "2026-03-10 09:00:00.000Z", total: 99 },
        { date: "2026-03-10 11:00:00.000Z", total: 3 },
        { date: "2026-03-10 14:00:00.000Z", total: 7 },
        { date: "2026-03-10 15:00:00.000Z", total: 5 },
        { date: "not a date", total: 1 },
      ],
      since,
      4,
    );
    expect(bars.map((b) => new Date(b.start).toISOString().slice(11, 16))).toEqual([
      "11:00",
      "12:00",
      "13:00",
      "14:00",
    ]);
    expect(bars.map((b) => b.total)).toEqual([3, 0, 0, 7]);
  });

  it("gives an empty period all-zero bars, one per hour", () => {
    const bars = hourlySeries([], periodStart(now, 168), 168);
    expect(bars).toHaveLength(168);
    expect(bars.every((b) => b.total === 0)).toBe(true);
    expect(bars[1]!.start - bars[0]!.start).toBe(3_600_000);
  });

  it("rounds the scale up to 1, 2 or 5 × 10ⁿ", () => {
    expect([0, 1, 2, 3, 7, 10, 11, 180, 201, 5000, 5001].map(niceMax)).toEqual([
      1, 1, 2, 5, 10, 10, 20, 200, 500, 5000, 10000,
    ]);
  });

  it("labels about six bars, evenly, always the last", () => {
    expect(labelIndexes(24)).toEqual([3, 7, 11, 15, 19, 23]);
    expect(labelIndexes(3)).toEqual([0, 1, 2]);
    expect(labelIndexes(0)).toEqual([]);
    expect(labelIndexes(720).at(-1)).toBe(719);
    expect(labelIndexes(720).length).toBeLessThanOrEqual(6);
  });

  it("labels an hour with the date only over longer periods", () => {
    const at = new Date(2026, 2, 10, 9, 0).getTime();
    expect(barLabel(at, false)).toBe("09:00");
    expect(barLabel(at, true)).toMatch(/10.*09:00$/);
  });

  it("counts what the table shows, within the period", () => {
    const since = new Date("2026-03-10T10:00:00.000Z");
    expect(statsFilter("", since)).toBe('created >= "2026-03-10 10:00:00.000Z"');
    expect(statsFilter(" level >= 4 || data.status = 500 ", since)).toBe(
      '(level >= 4 || data.status = 500) && created >= "2026-03-10 10:00:00.000Z"',
    );
  });
});

describe("log view", () => {
  it("names levels as PocketBase does, between levels by the one below", () => {
    expect([-4, 0, 3, 4, 5, 8, 9, -10].map(levelName)).toEqual([
      "DEBUG",
      "INFO",
      "INFO",
      "WARN",
      "WARN",
      "ERROR",
      "ERROR",
      "DEBUG",
    ]);
  });

  it("leaves superusers' requests out unless asked, around the typed filter", () => {
    expect(logsFilter("", false)).toBe('data.auth != "_superusers"');
    expect(logsFilter(" level > 0 || level < 0 ", false)).toBe(
      '(level > 0 || level < 0) && data.auth != "_superusers"',
    );
    expect(logsFilter(" level > 0 ", true)).toBe("level > 0");
    expect(logsFilter("", true)).toBe("");
  });

  it("completes log columns and data.* fields in the filter box", () => {
    const { collection, all } = LOG_FILTER_SCHEMA;
    expect(suggest("lev", 3, collection, all).map((s) => s.label)).toEqual(["level"]);
    const data = suggest("data.st", 7, collection, all).map((s) => s.label);
    expect(data).toEqual(["data.status"]);
  });

  it("lists the known request fields first, then others by name, objects as JSON", () => {
    const rows = detailRows({ zeta: 1, status: 200, method: "GET", details: { a: [1] } });
    expect(rows.map(([k]) => k)).toEqual(["method", "status", "details", "zeta"]);
    expect(rows[2]![1]).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(rows[0]![1]).toBe("GET");
  });
});

describe("settings form", () => {
  const served = {
    meta: {
      appName: "Edgebase",
      appURL: "",
      senderName: "Support",
      senderAddress: "a@b.c",
      hideControls: false,
    },
    smtp: {
      enabled: false,
      host: "smtp.example.com",
      port: 587,
      username: "",
      authMethod: "PLAIN",
      tls: false,
    },
    mail: { apiUrl: "", emailBinding: false },
    rateLimits: { enabled: false, rules: [{ label: "/api/", maxRequests: 300, duration: 10, audience: "" }] },
    trustedProxy: { headers: [], useLeftmostIP: false },
  };

  it("starts every secret empty, although the API never serves them", () => {
    const form = formState(served);
    expect(form.smtp!.password).toBe("");
    expect(form.mail!.apiKey).toBe("");
    expect(served.smtp).not.toHaveProperty("password");
  });

  it("sends nothing when nothing changed, so untouched secrets are never overwritten", () => {
    expect(settingsPatch(served, formState(served), ["meta", "smtp", "mail"])).toEqual({});
  });

  it("sends only the changed fields of the tab's sections", () => {
    const form = formState(served);
    form.meta!.appName = "Shop";
    form.smtp!.port = 465;
    form.trustedProxy!.headers = ["X-Forwarded-For"];
    expect(settingsPatch(served, form, ["meta", "smtp", "mail"])).toEqual({
      meta: { appName: "Shop" },
      smtp: { port: 465 },
    });
    expect(settingsPatch(served, form, ["trustedProxy"])).toEqual({
      trustedProxy: { headers: ["X-Forwarded-For"] },
    });
  });

  it("sends a secret only when one was typed", () => {
    const form = formState(served);
    form.smtp!.password = "hunter2";
    expect(settingsPatch(served, form, ["smtp", "mail"])).toEqual({ smtp: { password: "hunter2" } });
  });

  it("sends the whole rules list when one rule changes", () => {
    const form = formState(served);
    (form.rateLimits!.rules as { maxRequests: number }[])[0]!.maxRequests = 10;
    expect(settingsPatch(served, form, ["rateLimits"])).toEqual({
      rateLimits: { rules: [{ label: "/api/", maxRequests: 10, duration: 10, audience: "" }] },
    });
  });

  it("after a save, takes the served values for what was sent, empties secrets and keeps other edits", () => {
    const form = formState(served);
    form.meta!.appName = "Shop";
    form.meta!.senderName = "unsaved edit";
    form.smtp!.password = "hunter2";
    const sent = { meta: { appName: "Shop" }, smtp: { password: "hunter2" } };
    const saved = { ...served, meta: { ...served.meta, appName: "Shop (saved)" } };
    const next = afterSave(form, saved, sent);
    expect(next.meta!.appName).toBe("Shop (saved)");
    expect(next.meta!.senderName).toBe("unsaved edit");
    expect(next.smtp!.password).toBe("");
  });

  it("shows SMTP's details only while SMTP is on", () => {
    const mail = SETTINGS_TABS.find((t) => t.id === "mail")!;
    const form = formState(served);
    const keys = () => visibleFields(mail, form).map((f) => `${f.section}.${f.key}`);
    expect(keys()).toContain("smtp.enabled");
    expect(keys()).not.toContain("smtp.host");
    expect(keys()).not.toContain("smtp.password");
    form.smtp!.enabled = true;
    expect(keys()).toEqual(expect.arrayContaining(["smtp.host", "smtp.port", "smtp.password", "smtp.tls"]));
    expect(keys()).toContain("mail.apiKey");
  });

  it("has a tab for each settings area the issue names, each field in a section the tab saves", () => {
    expect(SETTINGS_TABS.map((t) => t.id)).toEqual([
      "application",
      "mail",
      "rate-limits",
      "trusted-proxy",
      "batch",
      "backups",
      "logs",
    ]);
    for (const tab of SETTINGS_TABS) {
      for (const f of tab.fields)
        expect(tab.sections, `${tab.id} ${f.section}.${f.key}`).toContain(f.section);
    }
  });
});

describe("webhook form", () => {
  it("never puts a stored secret in the form", () => {
    const form = webhookForm({
      name: "n",
      url: "u",
      events: ["create"],
      secret: "s".repeat(48),
      active: true,
    });
    expect(form.secret).toBe("");
    expect(form).toMatchObject({ name: "n", events: ["create"], collections: [], active: true });
  });

  it("builds a trimmed body, events in order, and no secret unless one was typed", () => {
    const body = webhookBody({
      name: " orders ",
      url: " https://example.com/h ",
      events: ["delete", "create", "bogus"],
      collections: ["posts", " posts", ""],
      filter: " total > 1 ",
      active: false,
      secret: "",
    });
    expect(body).toEqual({
      name: "orders",
      url: "https://example.com/h",
      events: ["create", "delete"],
      collections: ["posts"],
      filter: "total > 1",
      active: false,
    });
    expect(webhookBody({ ...webhookForm(), secret: " whsec_abc " }).secret).toBe("whsec_abc");
  });

  it("filters deliveries by status and webhook, quoting the values", () => {
    expect(deliveriesFilter("", "")).toBe("");
    expect(deliveriesFilter("failed", "")).toBe('status = "failed"');
    expect(deliveriesFilter("pending", 'a"b')).toBe('status = "pending" && webhook = "a\\"b"');
  });
});

describe("formats", () => {
  it("shows sizes in B, KB, MB", () => {
    expect([0, 512, 1536, 10 * 1024 * 1024, 5.5 * 1024 ** 3, -1].map(formatBytes)).toEqual([
      "0 B",
      "512 B",
      "1.5 KB",
      "10 MB",
      "5.5 GB",
      "—",
    ]);
  });

  it("describes the built-in jobs' expressions and leaves others as they are", () => {
    expect(describeCron("* * * * *")).toBe("Every minute");
    expect(describeCron("0 */6 * * *")).toBe("Every 6 hours, at minute 0");
    expect(describeCron("30 * * * *")).toBe("Every hour, at minute 30");
    expect(describeCron("5 3 * * *")).toBe("Every day at 03:05 UTC");
    expect(describeCron("*/15 * * * *")).toBe("Every 15 minutes");
    expect(describeCron("@hourly")).toBe("Every hour, at minute 0");
    expect(describeCron("0 3 * * 1")).toBe("0 3 * * 1");
  });
});
