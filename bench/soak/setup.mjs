/** Soak fixtures: the superuser, the collections the load uses (posts, comments, counters) and signed-in users. */

/** Superuser credentials the soak Worker bootstraps from its environment. */
export const SUPERUSER = { email: "soak@edgebase.local", password: "soak-superuser-password-1" };
const USER_PASSWORD = "soak-user-password-1";

/** posts: drafts are visible to their owner only; `secret` is hidden; `extra` is the field schema edits toggle. */
const OWNER_OR_PUBLISHED = "status = 'published' || owner = @request.auth.id";

/**
 * @typedef {{ id: string, email: string, ip: string, token: string, refreshToken: string }} SoakUser
 * @typedef {{ superToken: string, users: SoakUser[], counterId: string, postsId: string }} Fixtures
 */

/**
 * A distinct client address per user: sign-in throttles per IP as well as per account, and real users do not
 * share one address.
 * @param {number} i
 */
function ipOf(i) {
  return `10.77.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/**
 * Creates the collections, `userCount` users and the shared counter record.
 * @param {import("./client.mjs").Client} client
 * @param {number} userCount
 * @returns {Promise<Fixtures>}
 */
export async function setUp(client, userCount) {
  const su = await client.call("setup", "POST", "/api/collections/_superusers/auth-with-password", {
    body: { identity: SUPERUSER.email, password: SUPERUSER.password },
  });
  if (su.status !== 200)
    throw new Error(`superuser sign-in answered ${su.status}: ${JSON.stringify(su.body)}`);
  const superToken = su.body.token;
  const create = async (/** @type {Record<string, unknown>} */ def) => {
    const res = await client.call("setup", "POST", "/api/collections", { body: def, token: superToken });
    if (res.status < 200 || res.status > 299)
      throw new Error(`creating ${def.name} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return /** @type {string} */ (res.body.id);
  };
  const postsId = await create({
    name: "posts",
    type: "base",
    listRule: OWNER_OR_PUBLISHED,
    viewRule: OWNER_OR_PUBLISHED,
    createRule: "@request.auth.id != '' && owner = @request.auth.id",
    updateRule: "owner = @request.auth.id",
    deleteRule: "owner = @request.auth.id",
    fields: [
      { name: "title", type: "text", max: 200 },
      { name: "status", type: "select", values: ["draft", "published"], maxSelect: 1 },
      { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      { name: "secret", type: "text", hidden: true },
      { name: "extra", type: "text" },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
  });
  await create({
    name: "comments",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "@request.auth.id != ''",
    fields: [
      { name: "post", type: "relation", collectionId: postsId, maxSelect: 1, cascadeDelete: true },
      { name: "message", type: "text" },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
    ],
  });
  await create({
    name: "counters",
    type: "base",
    listRule: "",
    viewRule: "",
    updateRule: "@request.auth.id != ''",
    fields: [{ name: "n", type: "number", onlyInt: true }],
  });
  const counter = await client.call("setup", "POST", "/api/collections/counters/records", {
    body: { n: 0 },
    token: superToken,
  });
  if (counter.status < 200 || counter.status > 299)
    throw new Error(`creating the counter answered ${counter.status}`);

  /** @type {SoakUser[]} */
  const users = [];
  for (let i = 0; i < userCount; i++) {
    const email = `soak${i}@example.com`;
    const ip = ipOf(i);
    const made = await client.call("setup", "POST", "/api/collections/users/records", {
      body: { email, password: USER_PASSWORD, passwordConfirm: USER_PASSWORD },
      headers: { "cf-connecting-ip": ip },
    });
    if (made.status < 200 || made.status > 299)
      throw new Error(`sign-up of ${email} answered ${made.status}`);
    const signed = await signIn(client, "setup", email, ip);
    if (!signed) throw new Error(`sign-in of ${email} failed`);
    users.push({ id: made.body.id, email, ip, ...signed });
  }
  return { superToken, users, counterId: counter.body.id, postsId };
}

/**
 * Password sign-in; null unless it answered 200 with both tokens.
 * @param {import("./client.mjs").Client} client
 * @param {string} op
 * @param {string} email
 * @param {string} ip
 */
export async function signIn(client, op, email, ip) {
  const res = await client.call(op, "POST", "/api/collections/users/auth-with-password", {
    body: { identity: email, password: USER_PASSWORD },
    headers: { "cf-connecting-ip": ip },
  });
  if (res.status !== 200 || !res.body?.token) return null;
  return { token: /** @type {string} */ (res.body.token), refreshToken: String(res.body.refreshToken ?? "") };
}
