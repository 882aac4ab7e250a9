/** A blog fixture for GraphQL tests: users, posts (author → users, hidden `secret`) and comments (post, user). */
import { PASSWORD, signUp } from "../http/routes/auth-helpers";
import { rest } from "./helpers";

/** Ids of what {@link createBlog} made. */
export interface Blog {
  users: string[];
  posts: string[];
}

/**
 * Creates the collections (as the superuser `su`) and `posts` posts with `commentsPerPost` comments each. Posts and
 * comments are readable by anyone; users keep their default own-record rules.
 */
export async function createBlog(su: string, posts: number, commentsPerPost = 2): Promise<Blog> {
  const users: string[] = [];
  for (const name of ["ann", "bob", "cyd"]) users.push(await signUp(`${name}@example.com`, { name }));
  await rest(su, "POST", "/api/collections", {
    name: "posts",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: '@request.auth.id != ""',
    updateRule: "author = @request.auth.id",
    deleteRule: "author = @request.auth.id",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "views", type: "number" },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "secret", type: "text", hidden: true },
      { name: "author", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
    ],
  });
  const postsCollection = await rest(su, "GET", "/api/collections/posts");
  await rest(su, "POST", "/api/collections", {
    name: "comments",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "text", type: "text" },
      { name: "post", type: "relation", collectionId: postsCollection.id, maxSelect: 1 },
      { name: "user", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
    ],
  });
  const postIds: string[] = [];
  const requests = Array.from({ length: posts }, (_, i) => ({
    method: "POST",
    url: "/api/collections/posts/records",
    body: { title: `post ${String(i).padStart(3, "0")}`, views: i, secret: `s${i}`, author: users[i % 3] },
  }));
  for (let i = 0; i < requests.length; i += 50) {
    const done = await rest(su, "POST", "/api/batch", { requests: requests.slice(i, i + 50) });
    for (const r of done) postIds.push(r.body.id);
  }
  const comments = postIds.flatMap((post, i) =>
    Array.from({ length: commentsPerPost }, (_, j) => ({
      method: "POST",
      url: "/api/collections/comments/records",
      body: { text: `c${i}.${j}`, post, user: users[(i + j) % 3] },
    })),
  );
  for (let i = 0; i < comments.length; i += 50)
    await rest(su, "POST", "/api/batch", { requests: comments.slice(i, i + 50) });
  return { users, posts: postIds };
}

export { PASSWORD };
