import { describe, expect, it } from "vitest";
import type { Collection } from "../../src/collections/collection";
import { toHubEvent } from "../../src/realtime/hub-event";
import { publicRecord } from "../../src/realtime/payload";
import { toRecordJson } from "../../src/records/record-json";
import { isFieldVisible, visibilityScope, visibleRecord } from "../../src/records/visibility";
import { guestContext, type RuleContext } from "../../src/rules";
import { collection, field } from "./schema";

const users = {
  ...collection("c_users", "users", [
    field("email", "text"),
    field("emailVisibility", "bool"),
    field("password", "text"),
    field("tokenKey", "text"),
    field("ssn", "text", { hidden: true }),
    field("name", "text"),
  ]),
  type: "auth",
} as Collection;
const stored = {
  id: "u1",
  email: "a@x.io",
  emailVisibility: 0,
  password: "h",
  tokenKey: "k",
  ssn: "1",
  name: "A",
};
const decoded = { ...stored, emailVisibility: false };

const guest = guestContext();
const owner = guestContext({ auth: { id: "u1", collectionId: "c_users", collectionName: "users" } });
const stranger = guestContext({ auth: { id: "u2", collectionId: "c_users", collectionName: "users" } });
const superuser = guestContext({ isSuperuser: true });

describe("the one visibility rule", () => {
  const scope = visibilityScope(users);
  const cases: [string, RuleContext, string[]][] = [
    ["guest", guest, ["collectionId", "collectionName", "id", "emailVisibility", "name"]],
    ["another user", stranger, ["collectionId", "collectionName", "id", "emailVisibility", "name"]],
    [
      "the record's owner",
      owner,
      ["collectionId", "collectionName", "id", "email", "emailVisibility", "name"],
    ],
    [
      "a superuser",
      superuser,
      ["collectionId", "collectionName", "id", "email", "emailVisibility", "ssn", "name"],
    ],
  ];
  it.each(cases)("%s sees exactly these keys, the same in REST and realtime", (_, ctx, keys) => {
    expect(Object.keys(visibleRecord(scope, decoded, ctx))).toEqual(keys);
    expect(Object.keys(toRecordJson(users, stored, ctx))).toEqual(keys);
    const event = toHubEvent({ action: "update", collection: users, record: decoded });
    expect(Object.keys(publicRecord(event, ctx))).toEqual(keys);
  });

  it("never returns password or tokenKey, and shows a visible email to anyone", () => {
    expect(isFieldVisible(scope, "password", stored, superuser)).toBe(false);
    expect(isFieldVisible(scope, "tokenKey", stored, superuser)).toBe(false);
    expect(toRecordJson(users, { ...stored, emailVisibility: 1 }, guest).email).toBe("a@x.io");
    expect(visibleRecord(scope, { ...decoded, emailVisibility: true }, guest).email).toBe("a@x.io");
  });

  it("keeps password and tokenKey of base collections (only auth collections have secrets)", () => {
    const base = collection("c_b", "b", [field("password", "text"), field("tokenKey", "text")]);
    expect(toRecordJson(base, { id: "1", password: "p", tokenKey: "t" }, guest)).toMatchObject({
      password: "p",
      tokenKey: "t",
    });
  });
});
