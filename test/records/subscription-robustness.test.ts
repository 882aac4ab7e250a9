/**
 * Hostile realtime subscriptions over a real WebSocket through the Worker: random subscribe messages (topics,
 * filters, expand, fields, since) and junk frames, guest and signed in, then an event to evaluate them on.
 * Every frame is answered with `subscribed`/`unsubscribed` or the error message shape, the hub never fails
 * (no 1011 close), and it still answers afterwards. Fixed seed; `ROBUSTNESS_RUNS` runs it longer.
 */
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { propertyRuns } from "../helpers/property-runs";
import { apiJson, BASE } from "../helpers/request";
import { signIn, signUp } from "../http/routes/auth-helpers";
import { type Msg, TestSocket } from "../realtime/helpers";
import { filterText } from "../rules/generators";
import { buildWorld, type World } from "./fixtures";

let w: World;
let token = "";
let userId = "";

beforeAll(async () => {
  w = await buildWorld();
  userId = await signUp("sub-robust@example.com");
  token = (await signIn("sub-robust@example.com")).token;
});

async function connect(collection: string, signedIn: boolean): Promise<TestSocket> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/realtime/ws?collection=${encodeURIComponent(collection)}`, {
      headers: { upgrade: "websocket", ...(signedIn ? { authorization: token } : {}) },
    }),
  );
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade answered ${res.status}`);
  return new TestSocket(res.webSocket);
}

type Reply = Msg | { closed: { code: number; reason: string } } | { type: "timeout" };

/** The next message, the close, or a timeout, whichever comes first. */
function reply(socket: TestSocket): Promise<Reply> {
  return Promise.race([
    socket.next(),
    socket.closed.then((closed) => ({ closed })),
    new Promise<Reply>((resolve) => setTimeout(() => resolve({ type: "timeout" }), 5_000)),
  ]);
}

const HOSTILE_FILTERS = [
  "secret ~ 's%'",
  "owner.email ~ '%@%'",
  "@request.auth.id != ''",
  "@collection.posts.secret = 's1'",
  "comments_via_post.message ?~ 'f'",
  `title ~ '${"%".repeat(60)}'`,
  `${"(".repeat(300)}title = 1${")".repeat(300)}`,
  Array.from({ length: 250 }, () => "title = 'x'").join(" || "),
  "body:excerpt(5) = ''",
];
const topic = (collection: string) =>
  fc.oneof(
    fc.constantFrom(`${collection}/*`, "posts/*", "comments/*", "locked/*", "users/*", "_superusers/*"),
    fc.constantFrom("nope/*", "", "*", "posts", "presence/room", "broadcast/room", "posts/../locked/*"),
    fc.string({ maxLength: 30 }),
  );
const expand = fc.oneof(
  fc.constantFrom(
    "owner",
    "post",
    "post.owner",
    "author",
    "comments_via_post",
    "comments_via_post.author",
    "tags",
  ),
  fc
    .array(fc.constantFrom("owner", "post", "author", "comments_via_post", ".", ",", "x"), { maxLength: 12 })
    .map((p) => p.join("")),
);
const fields = fc.oneof(
  fc.constantFrom(
    "*",
    "id,title",
    "body:excerpt(3,true)",
    "secret",
    "expand.owner.email",
    "body:excerpt(-1)",
    ":excerpt",
  ),
  fc.string({ maxLength: 20 }),
);
const since = fc.oneof(
  fc.integer({ min: -5, max: 1_000_000 }),
  fc.constantFrom("1", null, 1e300, Number.NaN, []),
);
const subscribe = (collection: string) =>
  fc.record(
    {
      type: fc.constant("subscribe"),
      topic: topic(collection),
      filter: fc.oneof(filterText, fc.constantFrom(...HOSTILE_FILTERS), fc.string({ maxLength: 40 })),
      expand,
      fields,
      since,
    },
    { requiredKeys: ["type", "topic"] },
  );
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "{",
    "[]",
    "null",
    '{"type":"nope"}',
    '{"type":"subscribe"}',
    '{"type":"unsubscribe","topic":7}',
    "x".repeat(20_000),
  ),
  fc
    .record({ type: fc.string({ maxLength: 10 }), topic: fc.anything({ maxDepth: 2 }) })
    .map((o) => JSON.stringify(o)),
);
const frame = (collection: string) =>
  fc.oneof(
    { weight: 3, arbitrary: subscribe(collection).map((m) => JSON.stringify(m)) },
    { weight: 1, arbitrary: junk },
  );

describe("hostile realtime subscriptions", () => {
  it("random subscribe frames are answered with an ack or the error shape, and the hub keeps working", async () => {
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("posts", "comments"),
        fc.boolean(),
        fc.array(frame("posts"), { minLength: 1, maxLength: 4 }),
        async (collection, signedIn, frames) => {
          const socket = await connect(collection, signedIn);
          try {
            for (const text of frames) {
              socket.ws.send(text);
              let msg = await reply(socket);
              // A subscribe with `since` replays older events before later replies.
              while ("type" in msg && (msg.type === "event" || msg.type === "resync")) {
                if (msg.type === "event") expect(msg.record).not.toHaveProperty("secret");
                msg = await reply(socket);
              }
              if ("closed" in msg) {
                // Only the documented limit closes: message too big (1009) or too many messages (1008).
                expect([1008, 1009], `${text.slice(0, 80)} closed ${JSON.stringify(msg.closed)}`).toContain(
                  msg.closed.code,
                );
                kinds.add("closed");
                return;
              }
              expect(msg.type, text.slice(0, 120)).not.toBe("timeout");
              kinds.add(msg.type);
              if (msg.type === "error")
                expect(msg).toMatchObject({ code: expect.any(String), message: expect.any(String) });
              else
                expect(["subscribed", "unsubscribed"], JSON.stringify(msg).slice(0, 120)).toContain(msg.type);
            }
            // An event runs every accepted subscription's filter, expand and fields.
            const created = await apiJson(
              "POST",
              "/api/collections/comments/records",
              { message: "evt", post: w.p1.id, author: userId },
              { authorization: token },
            );
            expect(created.status).toBeLessThan(300);
            const update = await apiJson(
              "PATCH",
              `/api/collections/users/records/${userId}`,
              { name: "n" },
              { authorization: token },
            );
            expect(update.status).toBe(200);
            // The hub still answers in order after the events: drain them, then the unsubscribe ack.
            socket.send({ type: "unsubscribe", topic: `${collection}/none` });
            for (let i = 0; i < 10; i++) {
              const msg = await reply(socket);
              if ("closed" in msg) throw new Error(`closed after the event: ${JSON.stringify(msg.closed)}`);
              expect(msg.type).not.toBe("timeout");
              if (msg.type === "unsubscribed") break;
              expect(["event", "resync", "error"]).toContain(msg.type);
              if (msg.type === "event") expect(msg.record).not.toHaveProperty("secret");
            }
          } finally {
            socket.ws.close(1000);
          }
        },
      ),
      propertyRuns(60, 13_025),
    );
    expect(kinds).toContain("subscribed");
    expect(kinds).toContain("error");
  }, 180_000);
});
