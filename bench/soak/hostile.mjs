/**
 * The hostile phase: bursts on one record, parallel deletes, schema changes under writes, and parallel
 * "add one field" schema edits with If-Match. Each step is bounded in requests and time.
 */
import { ok } from "./ledger.mjs";
import { runWorker } from "./mixed.mjs";
import { sleep } from "./subscribers.mjs";

/**
 * @typedef {import("./mixed.mjs").SoakDeps} SoakDeps
 * @typedef {{ acked: string[], present: string[], attempts: number, exhausted: number }} SchemaEdits
 */

/**
 * @param {SoakDeps} deps
 * @param {{ seed: number, schemaRounds: number, schemaSeconds: number }} options
 * @returns {Promise<{ schemaEdits: SchemaEdits, sameDelete: Record<string, number> }>}
 */
export async function runHostile(deps, options) {
  const { client, ledger, fx } = deps;
  const owner = /** @type {import("./setup.mjs").SoakUser} */ (fx.users[0]);

  // 1. Twenty parallel increments of the shared counter, five times.
  for (let round = 0; round < 5; round++) {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.call("hostile-increment", "PATCH", `/api/collections/counters/records/${fx.counterId}`, {
          body: { "n+": 1 },
          token: fx.users[i % fx.users.length]?.token,
        }),
      ),
    );
    for (const r of replies) ledger.increment(r.status);
  }

  // 2. Fifty parallel PATCHes of one record by its owner, twice: last writer wins, none refused.
  const target = await client.call("hostile-setup", "POST", "/api/collections/posts/records", {
    body: { title: ledger.title("h"), status: "published", owner: owner.id },
    token: owner.token,
  });
  if (ok(target.status)) {
    ledger.created(
      { id: target.body.id, owner: owner.id, status: "published", title: target.body.title },
      deps.clock(),
    );
    ledger.contended(target.body.id);
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const title = ledger.title("hp");
          const sentAt = deps.clock();
          const r = await client.call(
            "hostile-patch",
            "PATCH",
            `/api/collections/posts/records/${target.body.id}`,
            { body: { title }, token: owner.token },
          );
          ledger.updated(target.body.id, title, r.status, sentAt);
        }),
      );
    }
  }

  // 3. Parallel deletes: twenty records (with comments, so cascades run) at once, then one record five times.
  const victims = [];
  for (let i = 0; i < 21; i++) {
    const title = ledger.title("d");
    const r = await client.call("hostile-setup", "POST", "/api/collections/posts/records", {
      body: { title, status: "published", owner: owner.id },
      token: owner.token,
    });
    if (!ok(r.status)) continue;
    ledger.created({ id: r.body.id, owner: owner.id, status: "published", title }, deps.clock());
    await client.call("hostile-setup", "POST", "/api/collections/comments/records", {
      body: { post: r.body.id, message: "x" },
      token: owner.token,
    });
    victims.push(r.body.id);
  }
  const same = victims.pop();
  await Promise.all(
    victims.map(async (id) => {
      const sentAt = deps.clock();
      const r = await client.call("hostile-delete", "DELETE", `/api/collections/posts/records/${id}`, {
        token: owner.token,
      });
      ledger.deleted(id, r.status, sentAt);
    }),
  );
  /** @type {Record<string, number>} */
  const sameDelete = {};
  if (same) {
    const sentAt = deps.clock();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.call("hostile-delete-same", "DELETE", `/api/collections/posts/records/${same}`, {
          token: owner.token,
        }),
      ),
    );
    for (const r of replies) sameDelete[r.status] = (sameDelete[r.status] ?? 0) + 1;
    const ok = replies.find((r) => r.status === 204);
    ledger.deleted(
      same,
      ok ? 204 : (replies.find((r) => r.status >= 500 || r.status === 0)?.status ?? 404),
      sentAt,
    );
  }

  // 4. Schema changes under writes: `extra` removed and re-added while 12 writers create, update and filter on
  // it, for `schemaRounds` rounds or `schemaSeconds`, whichever ends first.
  const deadline = performance.now() + options.schemaSeconds * 1000;
  let editing = true;
  const stop = () => !editing || performance.now() >= deadline;
  const writers = Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      runWorker(deps, i, {
        stop,
        maxOps: 5_000,
        seed: options.seed + 1000,
        ops: ["create", "create", "update", "list-extra", "view"],
      }),
    ),
  );
  for (let round = 0; round < options.schemaRounds && performance.now() < deadline; round++) {
    await editField(deps, "remove");
    await sleep(150);
    await editField(deps, "add");
    await sleep(150);
    await editField(deps, "rename");
    await sleep(150);
    await editField(deps, "rename back");
    await sleep(150);
  }
  editing = false;
  await writers;

  // 5. Twenty parallel "add one field" edits, each from a fresh read, with If-Match, retrying on 412.
  const schemaEdits = await parallelFieldAdds(deps);
  return { schemaEdits, sameDelete };
}

/**
 * Removes, re-adds or renames (keeping its id and data) the `extra` field of posts, as the superuser, from a
 * fresh read and without a precondition.
 * @param {SoakDeps} deps
 * @param {"remove" | "add" | "rename" | "rename back"} action
 */
async function editField(deps, action) {
  const { client, fx } = deps;
  const got = await client.call("schema-read", "GET", "/api/collections/posts", { token: fx.superToken });
  if (got.status !== 200) return;
  /** @type {any[]} */
  const current = got.body.fields;
  const [from, to] = action === "rename" ? ["extra", "extra_renamed"] : ["extra_renamed", "extra"];
  const fields =
    action === "remove"
      ? current.filter((f) => f.name !== "extra")
      : action === "add"
        ? [...current, { name: "extra", type: "text" }]
        : current.map((f) => (f.name === from ? { ...f, name: to } : f));
  await client.call(`schema-${action.replace(" ", "-")}-field`, "PATCH", "/api/collections/posts", {
    body: { fields },
    token: fx.superToken,
  });
}

/**
 * @param {SoakDeps} deps
 * @returns {Promise<SchemaEdits>}
 */
async function parallelFieldAdds(deps) {
  const { client, fx } = deps;
  /** @type {string[]} */
  const acked = [];
  let attempts = 0;
  let exhausted = 0;
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const name = `added_${i}`;
      for (let attempt = 0; attempt < 30; attempt++) {
        attempts++;
        const got = await client.call("schema-read", "GET", "/api/collections/posts", {
          token: fx.superToken,
        });
        if (got.status !== 200) continue;
        const etag = got.headers.get("etag");
        const fields = [.../** @type {any[]} */ (got.body.fields), { name, type: "text" }];
        const res = await client.call("schema-add-if-match", "PATCH", "/api/collections/posts", {
          body: { fields },
          token: fx.superToken,
          // Without a collection ETag there is nothing to send: the edit is then unprotected, and the check
          // below shows what that costs.
          headers: etag ? { "if-match": etag } : {},
        });
        if (ok(res.status)) {
          acked.push(name);
          return;
        }
        if (res.status !== 412) break;
        await sleep(10 + Math.random() * 40);
      }
      exhausted++;
    }),
  );
  const final = await client.call("schema-read", "GET", "/api/collections/posts", { token: fx.superToken });
  const names = new Set(/** @type {any[]} */ (final.body?.fields ?? []).map((f) => f.name));
  return { acked, present: acked.filter((n) => names.has(n)), attempts, exhausted };
}
