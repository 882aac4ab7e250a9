import { beforeEach, describe, expect, it } from "vitest";
import { createMailer } from "../../src/auth/mail-transport";
import {
  clearDevOutbox,
  createDevMailer,
  createHttpMailer,
  DEV_OUTBOX_LIMIT,
  MailerError,
  readDevOutbox,
} from "../../src/auth/mailer";
import { createLogger } from "../../src/observability/logger";

const message = { to: "ann@example.com", subject: "Hello", text: "Hi Ann", html: "<p>Hi Ann</p>" };

function captureLog() {
  const lines: string[] = [];
  return { lines, log: createLogger({ write: (line) => lines.push(line) }) };
}

/** A stand-in for the remote mail API: records requests and answers with `status`. */
function fakeApi(status = 202) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return new Response("provider says ok", { status });
  }) as unknown as typeof fetch;
  return { requests, fetcher };
}

beforeEach(() => {
  clearDevOutbox();
});

describe("dev mailer", () => {
  it("logs the message as one JSON line and keeps it in the outbox", async () => {
    const { lines, log } = captureLog();
    await createDevMailer(log).send(message);
    expect(readDevOutbox()).toEqual([message]);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "");
    expect(line).toMatchObject({ level: "info", msg: "mail (dev outbox)", mail: message });
  });

  it("returns copies and can be cleared", async () => {
    await createDevMailer(captureLog().log).send(message);
    const read = readDevOutbox();
    (read[0] as { subject: string }).subject = "changed";
    expect(readDevOutbox()[0]?.subject).toBe("Hello");
    clearDevOutbox();
    expect(readDevOutbox()).toEqual([]);
  });

  it(`keeps only the newest ${DEV_OUTBOX_LIMIT} messages`, async () => {
    const mailer = createDevMailer(createLogger({ level: "off" }));
    for (let i = 0; i < DEV_OUTBOX_LIMIT + 5; i++) await mailer.send({ ...message, subject: `m${i}` });
    const outbox = readDevOutbox();
    expect(outbox).toHaveLength(DEV_OUTBOX_LIMIT);
    expect(outbox[0]?.subject).toBe("m5");
    expect(outbox.at(-1)?.subject).toBe(`m${DEV_OUTBOX_LIMIT + 4}`);
  });

  it.each([
    { ...message, to: "not an address" },
    { ...message, to: "a@b.co\r\nBcc: x@y.z" },
    { ...message, to: `${"a".repeat(400)}@b.co` },
    { ...message, subject: "Hi\r\nBcc: x@y.z" },
  ])("refuses a malformed message %#", async (bad) => {
    await expect(createDevMailer(captureLog().log).send(bad)).rejects.toThrow(MailerError);
    expect(readDevOutbox()).toEqual([]);
  });
});

describe("HTTP mailer", () => {
  it("POSTs the message as JSON with the bearer key", async () => {
    const api = fakeApi();
    const mailer = createHttpMailer({
      url: "https://mail.example/send",
      apiKey: "k3y",
      from: "App <no-reply@example.com>",
      fetch: api.fetcher,
    });
    await mailer.send(message);
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request?.url).toBe("https://mail.example/send");
    expect(request?.init.method).toBe("POST");
    expect(request?.init.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer k3y",
    });
    expect(JSON.parse(String(request?.init.body))).toEqual({
      from: "App <no-reply@example.com>",
      ...message,
    });
  });

  it("throws MailerError with the status when the API refuses", async () => {
    const mailer = createHttpMailer({
      url: "https://mail.example",
      from: "a@b.co",
      fetch: fakeApi(500).fetcher,
    });
    const error = await mailer.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailerError);
    expect((error as MailerError).status).toBe(500);
  });

  it("throws MailerError when the API is unreachable", async () => {
    const failing = (async () => {
      throw new TypeError("network down");
    }) as unknown as typeof fetch;
    const mailer = createHttpMailer({ url: "https://mail.example", from: "a@b.co", fetch: failing });
    await expect(mailer.send(message)).rejects.toThrow(MailerError);
  });
});

describe("createMailer", () => {
  it("uses the dev mailer without MAIL_API_URL", async () => {
    await createMailer({}, captureLog().log).send(message);
    expect(readDevOutbox()).toEqual([message]);
  });

  it("uses the HTTP mailer when MAIL_API_URL is set", async () => {
    const api = fakeApi();
    const mailer = createMailer(
      { MAIL_API_URL: "https://mail.example/send", MAIL_API_KEY: "k", MAIL_FROM: "x@y.z" },
      captureLog().log,
      api.fetcher,
    );
    await mailer.send(message);
    expect(readDevOutbox()).toEqual([]);
    expect(JSON.parse(String(api.requests[0]?.init.body)).from).toBe("x@y.z");
  });
});
