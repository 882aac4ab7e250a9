/** Auth flows' system writes (verification, password reset) run the record after-hooks, never the before-hooks. */
import { beforeEach, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../src/auth/mailer";
import { hookApp } from "./harness";

const seen: string[] = [];
const { call } = hookApp({
  hooks: [
    {
      on: "record.beforeCreate",
      collections: ["users"],
      run(e) {
        e.record.name = `hooked ${String(e.record.name ?? "")}`.trim();
      },
    },
    {
      on: "record.beforeUpdate",
      collections: ["users"],
      run() {
        seen.push("beforeUpdate");
      },
    },
    {
      on: "record.afterUpdate",
      collections: ["users"],
      run(e) {
        seen.push(`afterUpdate verified ${String(e.oldRecord?.verified)}→${String(e.record.verified)}`);
      },
    },
  ],
});

let ip = 0;
const post = (path: string, body: unknown) =>
  call(null, "POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": `10.9.0.${++ip}` });

function lastTokenTo(to: string): string {
  const mail = readDevOutbox()
    .filter((m) => m.to === to)
    .at(-1);
  const match = /\/auth\/confirm-[a-z-]+\/([^\s"<]+)/.exec(mail?.text ?? "");
  return decodeURIComponent(match?.[1] ?? "");
}

beforeEach(() => {
  clearDevOutbox();
  seen.length = 0;
});

describe("auth flows and record hooks", () => {
  it("sign-up runs the before-create hook; verification runs the after-update hook only", async () => {
    const password = "correct horse battery";
    const created = await post("records", {
      email: "hookee@example.com",
      password,
      passwordConfirm: password,
    });
    expect(created.status).toBe(200);
    expect(created.body.name).toBe("hooked");
    expect((await post("request-verification", { email: "hookee@example.com" })).status).toBe(204);
    expect((await post("confirm-verification", { token: lastTokenTo("hookee@example.com") })).status).toBe(
      204,
    );
    expect(seen).toEqual(["afterUpdate verified false→true"]);
  });
});
