/** A shared schema for records scenarios: users (system), posts with owner rules, comments, a locked collection. */
import { createCollection, type Json, seed, userAuth } from "./harness";

/** Rules of `posts`: published posts are public, drafts only for their owner. */
export const POST_RULES = {
  listRule: "published = true || owner = @request.auth.id",
  viewRule: "published = true || owner = @request.auth.id",
  createRule: '@request.auth.id != "" && owner = @request.auth.id',
  updateRule: "owner = @request.auth.id",
  deleteRule: "owner = @request.auth.id",
};

/** The records a scenario can use. */
export interface World {
  alice: Json;
  bob: Json;
  posts: { id: string };
  /** alice's published post, alice's draft, bob's published post. */
  p1: Json;
  p2: Json;
  p3: Json;
  c1: Json;
  c2: Json;
}

/** Creates the collections and records (each test file has its own database). */
export async function buildWorld(): Promise<World> {
  const users = { id: "_pb_users_auth_" };
  const posts = await createCollection({
    name: "posts",
    type: "base",
    ...POST_RULES,
    fields: [
      { name: "title", type: "text", max: 200 },
      { name: "body", type: "editor" },
      { name: "owner", type: "relation", collectionId: users.id, maxSelect: 1 },
      { name: "secret", type: "text", hidden: true },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "views", type: "number" },
      { name: "published", type: "bool" },
      { name: "slug", type: "text" },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    indexes: ["CREATE UNIQUE INDEX idx_posts_slug ON posts (slug) WHERE slug != ''"],
  });
  await createCollection({
    name: "comments",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: '@request.auth.id != ""',
    updateRule: "author = @request.auth.id",
    deleteRule: "author = @request.auth.id",
    fields: [
      { name: "message", type: "text" },
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1, cascadeDelete: true },
      { name: "author", type: "relation", collectionId: users.id, maxSelect: 1 },
    ],
  });
  await createCollection({ name: "locked", type: "base", fields: [{ name: "title", type: "text" }] });
  const alice = await seed("users", {
    email: "alice@example.com",
    password: "password-alice",
    passwordConfirm: "password-alice",
    name: "Alice",
  });
  const bob = await seed("users", {
    email: "bob@example.com",
    password: "password-bob",
    passwordConfirm: "password-bob",
    name: "Bob",
    emailVisibility: true,
  });
  const p1 = await seed("posts", {
    title: "Alpha",
    body: "<p>Hello <b>world</b>, this is alpha</p>",
    owner: alice.id,
    secret: "s1",
    tags: ["a", "b"],
    views: 10,
    published: true,
  });
  const p2 = await seed("posts", {
    title: "Beta draft",
    owner: alice.id,
    views: 5,
    published: false,
    tags: ["c"],
  });
  const p3 = await seed("posts", { title: "Gamma", owner: bob.id, views: 7, published: true });
  const c1 = await seed("comments", { message: "first", post: p1.id, author: bob.id });
  const c2 = await seed("comments", { message: "second", post: p1.id, author: alice.id });
  await seed("locked", { title: "hidden" });
  return { alice, bob, posts, p1, p2, p3, c1, c2 };
}

/** The auth record of a seeded user. */
export function asUser(user: Json) {
  return userAuth(user.id, { email: user.email, name: user.name, verified: false });
}
