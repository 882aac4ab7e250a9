/** End-of-run checks: acknowledged writes against the stored state, and realtime streams against the ledger. */

/**
 * Reads every post and comment as the superuser and compares them with the ledger.
 * @param {import("./mixed.mjs").SoakDeps} deps
 */
export async function checkIntegrity(deps) {
  const { client, ledger, fx } = deps;
  /** @type {string[]} */
  const errors = [];
  const posts = await readAll(client, fx.superToken, "posts", "id,title");
  const comments = await readAll(client, fx.superToken, "comments", "id,post");
  if (!posts || !comments) return { errors: ["could not read the final state"], checked: 0, counter: null };
  const stored = new Map(posts.map((p) => [p.id, p.title]));
  let checked = 0;
  for (const post of ledger.posts.values()) {
    if (post.uncertain) continue;
    checked++;
    const title = stored.get(post.id);
    if (post.deleted && title !== undefined)
      errors.push(`post ${post.id}: deleted (acknowledged) but still stored`);
    else if (!post.deleted && title === undefined) errors.push(`post ${post.id}: acknowledged but missing`);
    else if (!post.deleted && post.titles && !post.titles.has(String(title)))
      errors.push(`post ${post.id}: title ${title} is none of the acknowledged ones`);
    else if (!post.deleted && !post.titles && title !== post.title)
      errors.push(`post ${post.id}: title ${title}, last acknowledged ${post.title}`);
  }
  for (const [id, title] of stored)
    if (ledger.failTitles.has(String(title))) errors.push(`post ${id}: row of a failed batch stored`);
  for (const c of comments)
    if (!stored.has(c.post)) errors.push(`comment ${c.id}: its post ${c.post} is gone (cascade missed it)`);
  const counter = await client.call("verify", "GET", `/api/collections/counters/records/${fx.counterId}`, {
    token: fx.superToken,
  });
  const n = Number(counter.body?.n);
  const { acked, unknown } = ledger.increments;
  // Unknown outcomes may or may not have applied; acknowledged ones must all have.
  const lost = Math.max(0, acked - n);
  const phantom = Math.max(0, n - acked - unknown);
  if (lost > 0)
    errors.push(`counter: ${lost} acknowledged increments lost (n = ${n}, acknowledged ${acked})`);
  if (phantom > 0) errors.push(`counter: ${phantom} increments applied that were refused (n = ${n})`);
  return {
    errors,
    checked,
    counter: { n, acked, unknown, refused: ledger.increments.refused, lost, phantom },
  };
}

/**
 * Every row of a collection (superuser), page by page, bounded.
 * @param {import("./client.mjs").Client} client
 * @param {string} token
 * @param {string} collection
 * @param {string} fields
 * @returns {Promise<any[] | null>}
 */
async function readAll(client, token, collection, fields) {
  const rows = [];
  for (let page = 1; page <= 200; page++) {
    const res = await client.call(
      "verify",
      "GET",
      `/api/collections/${collection}/records?perPage=1000&page=${page}&skipTotal=1&sort=id&fields=${fields}`,
      { token },
    );
    if (res.status !== 200) return null;
    rows.push(...res.body.items);
    if (res.body.items.length < 1000) return rows;
  }
  return rows;
}

/**
 * Per subscriber: acknowledged writes it should have received (sent after it subscribed, visible to it),
 * missing and duplicate deliveries, and what it must not have received. An SSE subscriber's outage (its stream
 * ended and it reconnected, as the SDK does) excuses the writes committed between the last event it received
 * and its new subscription: those are counted apart (`inGaps`), since SSE has no resume cursor.
 * @param {import("./ledger.mjs").Ledger} ledger
 * @param {import("./subscribers.mjs").Seen[]} subscribers
 */
export function checkRealtime(ledger, subscribers) {
  const sentAt = new Map(ledger.writes.map((w) => [w.key, w.sentAt]));
  return subscribers.map((s) => {
    const gaps = s.gaps.map((g) => ({ from: sentAt.get(g.afterKey) ?? s.subscribedAt, to: g.to }));
    let expected = 0;
    let missing = 0;
    let inGaps = 0;
    /** @type {string[]} */
    const missingKeys = [];
    for (const w of ledger.writes) {
      if (w.sentAt <= s.subscribedAt) continue;
      if (w.status !== "published" && w.owner !== s.viewer) continue;
      if (!s.seen.has(w.key) && gaps.some((g) => w.ackedAt >= g.from && w.sentAt <= g.to)) {
        inGaps++;
        continue;
      }
      expected++;
      if (!s.seen.has(w.key)) {
        missing++;
        if (missingKeys.length < 3) missingKeys.push(w.key);
      }
    }
    let duplicates = 0;
    for (const count of s.seen.values()) duplicates += count - 1;
    return {
      name: s.name,
      expected,
      delivered: expected - missing,
      missing,
      missingKeys,
      inGaps,
      outages: s.gaps.length,
      duplicates,
      leaks: s.leaks,
      resyncs: s.resyncs,
      reconnects: s.reconnects,
      errors: s.errors,
    };
  });
}
