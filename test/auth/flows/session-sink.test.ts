/** Which record changes end a user's sessions, and that the sink revokes them and de-authorizes realtime. */
import { describe, expect, it } from "vitest";
import { revocationsOf, sessionRevocationSink } from "../../../src/auth/flows/session-sink";
import type { SessionChecker } from "../../../src/auth/session-check";
import type { Collection } from "../../../src/collections/collection";
import type { ChangeEvent } from "../../../src/records/events";

const users = { id: "_pb_users_auth_", name: "users", type: "auth" } as Collection;
const posts = { id: "posts_id", name: "posts", type: "base" } as Collection;

const event = (overrides: Partial<ChangeEvent>): ChangeEvent => ({
  action: "update",
  collection: users,
  record: { id: "u1" },
  ...overrides,
});

describe("revocationsOf", () => {
  it("picks auth record deletes and password changes, once per user", () => {
    const refs = revocationsOf([
      event({ action: "delete" }),
      event({ passwordChanged: true }),
      event({ record: { id: "u2" }, passwordChanged: true }),
      event({ record: { id: "u3" } }),
      event({ record: { id: "u4" }, action: "create" }),
      event({ collection: posts, action: "delete", record: { id: "p1" } }),
    ]);
    expect(refs).toEqual([
      { collectionId: "_pb_users_auth_", userId: "u1" },
      { collectionId: "_pb_users_auth_", userId: "u2" },
    ]);
  });
});

describe("sessionRevocationSink", () => {
  it("revokes every session and notifies realtime; a failure for one user does not stop the next", async () => {
    const revoked: string[] = [];
    const notified: string[] = [];
    const checker = {
      revokeAll: async (ref: { userId: string }) => {
        if (ref.userId === "bad") throw new Error("object unavailable");
        revoked.push(ref.userId);
        return 1;
      },
    } as unknown as SessionChecker;
    const sink = sessionRevocationSink({
      checker: () => checker,
      onSessionsEnded: async (ref) => notified.push(ref.userId),
    });
    await sink.emit([
      event({ action: "delete", record: { id: "bad" } }),
      event({ action: "delete", record: { id: "u9" } }),
    ]);
    expect(revoked).toEqual(["u9"]);
    expect(notified).toEqual(["u9"]);
  });
});
