/**
 * Baseline Worker: the posts endpoints written by hand with Hono + drizzle, as a developer would without
 * Edgebase. Same table, same queries, PocketBase-shaped responses; no rules engine, no generic filter. The file
 * endpoints live in ./files.ts.
 */
import { and, asc, count, desc, eq, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { verify } from "hono/jwt";
import { z } from "zod";
import { fileRoutes } from "./files";
import { newId } from "./ids";
import { posts, postsPrivate, users } from "./schema";

interface Env {
  DB: D1Database;
  /** Uploaded files (scenarios/files.mjs, served by ./files.ts). */
  FILES: R2Bucket;
  /** HS256 secret the bench signs its tokens with. */
  JWT_SECRET: string;
}

type PostsTable = typeof posts;

const SORTS = ["published", "-published", "views", "-views"] as const;

const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  perPage: z.coerce.number().int().min(1).max(1000).default(30),
  sort: z.enum(SORTS).optional(),
  skipTotal: z.enum(["0", "1", "true", "false"]).optional(),
  status: z.enum(["draft", "published", "archived"]).optional(),
  author: z.string().max(15).optional(),
});

const createBody = z.object({
  title: z.string().max(200),
  views: z.number().int().min(0).default(0),
  published: z.string().max(30),
  author: z.string().length(15),
  status: z.enum(["draft", "published", "archived"]),
});

const app = new Hono<{ Bindings: Env }>();

async function list(table: PostsTable, query: Record<string, string>, db: D1Database, owner?: string) {
  const q = listQuery.parse(query);
  const where: SQL[] = [];
  if (q.status) where.push(eq(table.status, q.status));
  const author = owner ?? q.author;
  if (author) where.push(eq(table.author, author));
  const cond = and(...where);
  const orm = drizzle(db);
  const order = q.sort ? sortOn(table, q.sort) : desc(table.published);
  const pageQuery = orm
    .select()
    .from(table)
    .where(cond)
    .orderBy(order)
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage);
  const skipTotal = q.skipTotal === "1" || q.skipTotal === "true";
  if (skipTotal) {
    const items = await pageQuery;
    return { page: q.page, perPage: q.perPage, totalItems: -1, totalPages: -1, items };
  }
  const [items, totals] = await orm.batch([pageQuery, orm.select({ n: count() }).from(table).where(cond)]);
  const totalItems = totals[0]?.n ?? 0;
  return {
    page: q.page,
    perPage: q.perPage,
    totalItems,
    totalPages: Math.ceil(totalItems / q.perPage),
    items,
  };
}

function sortOn(table: PostsTable, sort: (typeof SORTS)[number]): SQL {
  const column = sort.endsWith("published") ? table.published : table.views;
  return sort.startsWith("-") ? desc(column) : asc(column);
}

app.get("/api/collections/posts/records", async (c) => c.json(await list(posts, c.req.query(), c.env.DB)));

app.get("/api/collections/posts_private/records", async (c) => {
  const header = c.req.header("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : header;
  let sub: string;
  try {
    const payload = await verify(token, c.env.JWT_SECRET, "HS256");
    sub = String(payload.sub);
  } catch {
    return c.json({ status: 401, message: "Invalid token.", data: {} }, 401);
  }
  return c.json(await list(postsPrivate as unknown as PostsTable, c.req.query(), c.env.DB, sub));
});

app.get("/api/collections/posts/records/:id", async (c) => {
  const row = await drizzle(c.env.DB)
    .select()
    .from(posts)
    .where(eq(posts.id, c.req.param("id")))
    .get();
  if (!row) return c.json({ status: 404, message: "Not found.", data: {} }, 404);
  return c.json(row);
});

app.post("/api/collections/posts/records", async (c) => {
  const parsed = createBody.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) return c.json({ status: 400, message: "Invalid body.", data: {} }, 400);
  const orm = drizzle(c.env.DB);
  // A careful hand-written endpoint refuses dangling relations, as Edgebase does.
  const author = await orm.select({ id: users.id }).from(users).where(eq(users.id, parsed.data.author)).get();
  if (!author) return c.json({ status: 400, message: "Unknown author.", data: {} }, 400);
  const now = new Date().toISOString().replace("T", " ");
  const row = { id: newId(), ...parsed.data, created: now, updated: now };
  const [created] = await orm.insert(posts).values(row).returning();
  return c.json(created, 201);
});

app.route("/", fileRoutes);

app.onError((err, c) =>
  err instanceof z.ZodError
    ? c.json({ status: 400, message: "Invalid query.", data: {} }, 400)
    : c.json({ status: 500, message: "Something went wrong.", data: {} }, 500),
);

export default app;
