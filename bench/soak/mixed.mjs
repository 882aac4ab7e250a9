/** The mixed phase: `inFlight` closed-loop workers, each signed in as its own user, picking weighted operations. */
import { ok } from "./ledger.mjs";
import { signIn } from "./setup.mjs";

/** Relative weights of the operations of the mix. */
const MIX = /** @type {const} */ ([
  ["list-guest", 14],
  ["list-signed", 10],
  ["view", 10],
  ["create", 12],
  ["update", 8],
  ["delete", 4],
  ["comment", 4],
  ["batch", 5],
  ["increment", 10],
  ["refresh", 3],
  ["sign-in", 1],
]);
const TOTAL = MIX.reduce((a, [, w]) => a + w, 0);

/** @param {() => number} rand */
function pick(rand) {
  let r = rand() * TOTAL;
  for (const [op, w] of MIX) {
    r -= w;
    if (r < 0) return op;
  }
  return MIX[0][0];
}

/** A small seeded generator (mulberry32), so a run's operation sequence is reproducible. */
export function seeded(/** @type {number} */ seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @typedef {{ client: import("./client.mjs").Client, ledger: import("./ledger.mjs").Ledger,
 *   fx: import("./setup.mjs").Fixtures, clock: () => number }} SoakDeps
 */

/**
 * Runs one signed-in writer's operations until `stop()` says so or `maxOps` were sent.
 * @param {SoakDeps} deps
 * @param {number} index worker index (its user is users[index % users.length])
 * @param {{ stop: () => boolean, maxOps: number, seed: number, ops?: readonly string[] }} options
 */
export async function runWorker(deps, index, options) {
  const { client, ledger, fx } = deps;
  const user = /** @type {import("./setup.mjs").SoakUser} */ (fx.users[index % fx.users.length]);
  const rand = seeded(options.seed + index);
  /** @type {string[]} */
  const mine = [];
  const published = () => {
    const recent = ledger.recentPublished;
    const post = ledger.posts.get(recent[Math.floor(rand() * recent.length)] ?? "");
    return post && !post.deleted ? post : null;
  };
  const ownPost = () => (mine.length === 0 ? null : mine[Math.floor(rand() * mine.length)]);
  const postBody = (/** @type {string} */ title) => ({
    title,
    status: /** @type {"published" | "draft"} */ (rand() < 0.7 ? "published" : "draft"),
    owner: user.id,
    extra: "x",
  });
  for (let n = 0; n < options.maxOps && !options.stop(); n++) {
    const op = options.ops ? options.ops[Math.floor(rand() * options.ops.length)] : pick(rand);
    const sentAt = deps.clock();
    if (op === "list-guest") {
      const res = await client.call(
        op,
        "GET",
        "/api/collections/posts/records?perPage=20&sort=-created&expand=owner,comments_via_post",
      );
      if (res.status === 200) ledger.checkListed(res.body.items ?? [], null, op);
    } else if (op === "list-extra") {
      // Names the field the schema phase removes and re-adds: a 400 while it is gone, never a 500.
      await client.call(op, "GET", "/api/collections/posts/records?perPage=5&filter=(extra%3D'x')", {
        token: user.token,
      });
    } else if (op === "list-signed") {
      const res = await client.call(
        op,
        "GET",
        "/api/collections/posts/records?perPage=20&filter=(status%3D'draft')&sort=-created&expand=owner",
        { token: user.token },
      );
      if (res.status === 200) ledger.checkListed(res.body.items ?? [], user.id, op);
    } else if (op === "view") {
      const post = published();
      if (post) await client.call(op, "GET", `/api/collections/posts/records/${post.id}?expand=owner`);
    } else if (op === "create") {
      const body = postBody(ledger.title("c"));
      const res = await client.call(op, "POST", "/api/collections/posts/records", {
        body,
        token: user.token,
      });
      if (ok(res.status)) {
        ledger.created({ id: res.body.id, owner: user.id, status: body.status, title: body.title }, sentAt);
        mine.push(res.body.id);
      }
    } else if (op === "update") {
      const id = ownPost();
      if (!id) continue;
      const title = ledger.title("u");
      const res = await client.call(op, "PATCH", `/api/collections/posts/records/${id}`, {
        body: { title },
        token: user.token,
      });
      ledger.updated(id, title, res.status, sentAt);
    } else if (op === "delete") {
      const id = ownPost();
      if (!id) continue;
      mine.splice(mine.indexOf(id), 1);
      const res = await client.call(op, "DELETE", `/api/collections/posts/records/${id}`, {
        token: user.token,
      });
      ledger.deleted(id, res.status, sentAt);
    } else if (op === "comment") {
      const post = published();
      if (post)
        await client.call(op, "POST", "/api/collections/comments/records", {
          body: { post: post.id, message: "hi" },
          token: user.token,
        });
    } else if (op === "batch") {
      await runBatch(deps, user, rand() < 0.3, postBody, sentAt, mine);
    } else if (op === "increment") {
      const res = await client.call(op, "PATCH", `/api/collections/counters/records/${fx.counterId}`, {
        body: { "n+": 1 },
        token: user.token,
      });
      ledger.increment(res.status);
    } else if (op === "refresh") {
      const res = await client.call(op, "POST", "/api/collections/users/auth-refresh", {
        body: { refreshToken: user.refreshToken },
        token: user.token,
      });
      if (res.status === 200 && res.body.refreshToken) {
        user.token = res.body.token;
        user.refreshToken = res.body.refreshToken;
      }
    } else if (op === "sign-in") {
      const signed = await signIn(client, op, user.email, user.ip);
      if (signed) Object.assign(user, signed);
    }
  }
}

/**
 * Three creates in one batch; a failing batch ends with a create the createRule refuses (someone else as
 * owner), so none of its rows may ever exist.
 * @param {SoakDeps} deps
 * @param {import("./setup.mjs").SoakUser} user
 * @param {boolean} fail
 * @param {(title: string) => Record<string, unknown>} postBody
 * @param {number} sentAt
 * @param {string[]} mine
 */
async function runBatch(deps, user, fail, postBody, sentAt, mine) {
  const { client, ledger } = deps;
  const bodies = [postBody(ledger.title(fail ? "fail" : "b")), postBody(ledger.title(fail ? "fail" : "b"))];
  const last = postBody(ledger.title(fail ? "fail" : "b"));
  if (fail) last.owner = deps.fx.users.find((u) => u.id !== user.id)?.id ?? "nobody000000000";
  bodies.push(last);
  if (fail) for (const b of bodies) ledger.failTitles.add(String(b.title));
  const res = await client.call(fail ? "batch-failing" : "batch", "POST", "/api/batch", {
    token: user.token,
    body: {
      requests: bodies.map((body) => ({ method: "POST", url: "/api/collections/posts/records", body })),
    },
  });
  if (fail || !ok(res.status) || !Array.isArray(res.body)) return;
  res.body.forEach((/** @type {any} */ r, /** @type {number} */ i) => {
    const b = /** @type {any} */ (bodies[i]);
    if (ok(r.status) && r.body?.id) {
      ledger.created({ id: r.body.id, owner: user.id, status: b.status, title: b.title }, sentAt);
      mine.push(r.body.id);
    }
  });
}

/**
 * The mix with `inFlight` workers until `seconds` have passed.
 * @param {SoakDeps} deps
 * @param {{ inFlight: number, seconds: number, seed: number }} options
 */
export async function runMixed(deps, options) {
  const deadline = performance.now() + options.seconds * 1000;
  const stop = () => performance.now() >= deadline;
  // Bounded in count too: far above what a closed loop of this size can send locally in the time given.
  const maxOps = Math.ceil(options.seconds * 2000);
  await Promise.all(
    Array.from({ length: options.inFlight }, (_, i) =>
      runWorker(deps, i, { stop, maxOps, seed: options.seed }),
    ),
  );
}
