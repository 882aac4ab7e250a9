/**
 * What the server acknowledged: every post write with its outcome, the counter's acknowledged increments and
 * the titles of batches that had to fail. The checks compare the final state and the realtime streams with it.
 */

/**
 * One post as the client knows it. `uncertain` marks a record one of whose writes had an unknown outcome
 * (status 0 or 5xx): its final state is then not checked exactly.
 * @typedef {{ id: string, owner: string, status: "draft" | "published", title: string, deleted: boolean,
 *   uncertain: boolean, titles: Set<string> | null }} PostState
 */

/**
 * One acknowledged write of a post, as realtime must deliver it.
 * @typedef {{ key: string, action: "create" | "update" | "delete", owner: string, status: string,
 *   sentAt: number, ackedAt: number }} PostWrite
 */

/** Whether a status acknowledges the request (any 2xx: creates may answer 200, as PocketBase, or 201). */
export function ok(/** @type {number} */ status) {
  return status >= 200 && status < 300;
}

/** Outcome class of a status: ok (2xx), refused (a definite 4xx), or unknown (0, 5xx). */
export function outcome(/** @type {number} */ status) {
  if (status >= 200 && status < 300) return "ok";
  if (status >= 400 && status < 500) return "refused";
  return "unknown";
}

/** Realtime key of a post write: titles are unique per write, so a key names exactly one event. */
export function eventKey(
  /** @type {string} */ action,
  /** @type {string} */ id,
  /** @type {string} */ title,
) {
  return action === "delete" ? `delete:${id}` : `${action}:${id}:${title}`;
}

/** The acknowledged history of the soak. */
export class Ledger {
  /** @type {Map<string, PostState>} */
  posts = new Map();
  /** @type {PostWrite[]} */
  writes = [];
  increments = { acked: 0, unknown: 0, refused: 0 };
  /** Titles of every batch that was built to fail: none may ever be stored, listed or sent. */
  /** @type {Set<string>} */
  failTitles = new Set();
  /** Rule leaks seen in list responses (a draft of someone else, a hidden field, a failed batch's row). */
  /** @type {string[]} */
  listLeaks = [];
  /** Ids of the latest published posts (at most 500), for views and comments. */
  /** @type {string[]} */
  recentPublished = [];
  #seq = 0;

  /** A title no other write uses. */
  title(/** @type {string} */ prefix) {
    return `${prefix}-${(++this.#seq).toString(36)}-${Date.now().toString(36)}`;
  }

  /**
   * @param {{ id: string, owner: string, status: "draft" | "published", title: string }} post
   * @param {number} sentAt
   */
  created(post, sentAt) {
    this.posts.set(post.id, { ...post, deleted: false, uncertain: false, titles: null });
    if (post.status === "published") {
      this.recentPublished.push(post.id);
      if (this.recentPublished.length > 500) this.recentPublished.shift();
    }
    this.writes.push({
      key: eventKey("create", post.id, post.title),
      action: "create",
      owner: post.owner,
      status: post.status,
      sentAt,
      ackedAt: performance.now(),
    });
  }

  /**
   * @param {string} id
   * @param {string} title
   * @param {number} status
   * @param {number} sentAt
   */
  updated(id, title, status, sentAt) {
    const post = this.posts.get(id);
    if (!post) return;
    const o = outcome(status);
    if (o === "unknown") post.uncertain = true;
    if (o !== "ok") return;
    post.title = title;
    post.titles?.add(title);
    this.writes.push({
      key: eventKey("update", id, title),
      action: "update",
      owner: post.owner,
      status: post.status,
      sentAt,
      ackedAt: performance.now(),
    });
  }

  /**
   * @param {string} id
   * @param {number} status
   * @param {number} sentAt
   */
  deleted(id, status, sentAt) {
    const post = this.posts.get(id);
    if (!post) return;
    const o = outcome(status);
    if (o === "unknown") post.uncertain = true;
    if (o !== "ok") return;
    post.deleted = true;
    this.writes.push({
      key: eventKey("delete", id, ""),
      action: "delete",
      owner: post.owner,
      status: post.status,
      sentAt,
      ackedAt: performance.now(),
    });
  }

  /** Parallel updates of one record: its final title may be any acknowledged one (last writer wins). */
  contended(/** @type {string} */ id) {
    const post = this.posts.get(id);
    if (post) post.titles = new Set([post.title]);
  }

  /** @param {number} status */
  increment(status) {
    this.increments[
      outcome(status) === "ok" ? "acked" : outcome(status) === "unknown" ? "unknown" : "refused"
    ]++;
  }

  /**
   * Checks a list page for rows the caller must not see.
   * @param {any[]} items
   * @param {string | null} viewer user id, null for a guest
   * @param {string} where
   */
  checkListed(items, viewer, where) {
    for (const item of items) {
      const problem =
        "secret" in item
          ? "hidden field `secret` returned"
          : this.failTitles.has(item.title)
            ? "row of a failed batch listed"
            : item.status !== "published" && item.owner !== viewer
              ? "someone else's draft listed"
              : null;
      if (problem && this.listLeaks.length < 1000) this.listLeaks.push(`${where}: ${problem} (${item.id})`);
    }
  }
}
