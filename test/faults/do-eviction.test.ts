/**
 * Durable Objects evicted at random points: a model-based test (fast-check commands) over session refreshes,
 * sign-in throttling and a realtime subscription. After every step the model is compared with the real state:
 * the user's sessions (UserSessions), the account's throttle window (RateLimiter) and the events the socket
 * received (RealtimeHub). No acknowledged state may be lost to an eviction.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AUTH_RATE_LIMITS, rateLimitKey } from "../../src/auth/rate-limit";
import { userSessionsStub } from "../../src/auth/session-routing";
import { propertyRuns } from "../helpers/property-runs";
import { apiJson, BASE } from "../helpers/request";
import { freshIp, type Json, PASSWORD, signUp } from "../http/routes/auth-helpers";
import { hubStub, openCollection, TestSocket } from "../realtime/helpers";

const USERS = "_pb_users_auth_";
const LIMIT = AUTH_RATE_LIMITS.signInPerAccount.limit;
const RUNS = propertyRuns(12, 24_013);

interface Session {
  sid: string;
  refresh: string;
  used: string[];
  active: boolean;
}

interface Model {
  sessions: Session[];
  /** Sign-in attempts the account's window holds (denied attempts are not counted by the limiter). */
  hits: number;
  /** Ids of the records created, in order: the socket must receive exactly these. */
  events: string[];
}

interface Real {
  email: string;
  userId: string;
  socket: TestSocket;
  lastSeq: number;
  received: string[];
}

const sidOf = (token: string) =>
  JSON.parse(atob((token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/"))).sid as string;

async function signInAs(email: string, password: string) {
  const res = await apiJson(
    "POST",
    "/api/collections/users/auth-with-password",
    { identity: email, password },
    { "cf-connecting-ip": freshIp() },
  );
  return { status: res.status, body: (await res.json()) as Json };
}

class SignIn implements fc.AsyncCommand<Model, Real> {
  constructor(readonly correct: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await signInAs(r.email, this.correct ? PASSWORD : "wrong password!");
    if (m.hits >= LIMIT) {
      expect(res.status).toBe(429);
      return;
    }
    m.hits++;
    expect(res.status).toBe(this.correct ? 200 : 400);
    if (this.correct)
      m.sessions.push({ sid: sidOf(res.body.token), refresh: res.body.refreshToken, used: [], active: true });
  }
  toString = () => `SignIn(${this.correct})`;
}

class Refresh implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly reuse: boolean,
  ) {}
  check = (m: Readonly<Model>) =>
    m.sessions.length > 0 && (!this.reuse || m.sessions.some((s) => s.used.length > 0));
  async run(m: Model, _r: Real) {
    const pool = this.reuse ? m.sessions.filter((s) => s.used.length > 0) : m.sessions;
    const s = pool[this.pick % pool.length] as Session;
    const token = this.reuse ? (s.used[0] as string) : s.refresh;
    const res = await apiJson("POST", "/api/collections/users/auth-refresh", { refreshToken: token });
    if (this.reuse || !s.active) {
      // Reuse of a rotated token revokes the whole session (theft detection).
      expect(res.status).toBe(401);
      s.active = false;
      return;
    }
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    s.used.push(s.refresh);
    s.refresh = body.refreshToken;
  }
  toString = () => `Refresh(${this.pick}, reuse=${this.reuse})`;
}

class Publish implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await apiJson("POST", "/api/collections/evnotes/records", { title: `e${m.events.length}` });
    expect(res.status).toBeLessThan(300);
    const id = ((await res.json()) as Json).id as string;
    m.events.push(id);
    const msg = await Promise.race([
      r.socket.next(),
      new Promise((resolve) => setTimeout(() => resolve({ type: "timeout" }), 5_000)),
    ]);
    expect(msg).toMatchObject({ type: "event", action: "create", record: { id } });
    const seq = (msg as Json).seq as number;
    expect(seq).toBeGreaterThan(r.lastSeq);
    r.lastSeq = seq;
    r.received.push(id);
  }
  toString = () => "Publish";
}

class Evict implements fc.AsyncCommand<Model, Real> {
  constructor(readonly target: "sessions" | "limiter" | "hub") {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const stub =
      this.target === "sessions"
        ? userSessionsStub(env.USER_SESSIONS, USERS, r.userId)
        : this.target === "limiter"
          ? env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(await accountKey(r.email)))
          : hubStub("evnotes");
    // An object that is not running has nothing to lose: evicting it is refused, which is fine here.
    await evictDurableObject(stub, { webSockets: "hibernate" }).catch(() => undefined);
  }
  toString = () => `Evict(${this.target})`;
}

const accountKey = (email: string) => rateLimitKey("signIn:account", `${USERS}/${email.toLowerCase()}`);

/** The real state, read straight from each object, must match the model. */
async function compare(m: Model, r: Real): Promise<void> {
  const listed = await userSessionsStub(env.USER_SESSIONS, USERS, r.userId).listSessions();
  const active = m.sessions.filter((s) => s.active).map((s) => s.sid);
  expect(listed.map((s) => s.id).sort()).toEqual([...active].sort());
  const key = await accountKey(r.email);
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
  const hits = await runInDurableObject(stub, (_instance, state) => {
    try {
      return state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hits WHERE key = ?", key).one()
        .n;
    } catch {
      return 0;
    }
  });
  expect(hits).toBe(m.hits);
  expect(r.received).toEqual(m.events);
}

beforeAll(async () => {
  await openCollection("evnotes", [{ name: "title", type: "text" }]);
});

let runCounter = 0;

async function setUpRun(): Promise<{ model: Model; real: Real }> {
  runCounter++;
  const email = `evict${runCounter}@example.com`;
  const userId = await signUp(email);
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/realtime/ws?collection=evnotes`, { headers: { upgrade: "websocket" } }),
  );
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade answered ${res.status}`);
  const socket = new TestSocket(res.webSocket);
  const ack = await socket.subscribe("evnotes/*");
  expect(ack).toMatchObject({ type: "subscribed", topic: "evnotes/*" });
  return {
    model: { sessions: [], hits: 0, events: [] },
    real: { email, userId, socket, lastSeq: ack.seq ?? 0, received: [] },
  };
}

describe("evictions at random points lose no acknowledged state", () => {
  it("sessions, throttle windows and a realtime subscription match the model after every step", async () => {
    const commands = [
      fc.boolean().map((c) => new SignIn(c)),
      fc.tuple(fc.nat(), fc.constant(false)).map(([p, reuse]) => new Refresh(p, reuse)),
      fc.nat().map((p) => new Refresh(p, true)),
      fc.constant(new Publish()),
      fc
        .constantFrom("sessions", "limiter", "hub")
        .map((t) => new Evict(t as "sessions" | "limiter" | "hub")),
    ];
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 18 }), async (cmds) => {
        const { model, real } = await setUpRun();
        try {
          await fc.asyncModelRun(
            () => ({ model, real }),
            [...cmds].flatMap((c) => [
              c,
              {
                check: () => true,
                run: async (m: Model, r: Real) => {
                  steps++;
                  await compare(m, r);
                },
                toString: () => "compare",
              } satisfies fc.AsyncCommand<Model, Real>,
            ]),
          );
          // Nothing was delivered twice or out of the model: the socket is quiet now.
          await real.socket.expectQuiet("evnotes/none");
        } finally {
          real.socket.ws.close(1000);
        }
      }),
      RUNS,
    );
    expect(steps).toBeGreaterThan(RUNS.numRuns * 5);
  }, 120_000);
});
