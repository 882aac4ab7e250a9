/** drizzle schema of the bench tables, as a developer writing the endpoints by hand would declare them. */
import { numeric, sqliteTable, text } from "drizzle-orm/sqlite-core";

const postColumns = {
  id: text("id").primaryKey(),
  title: text("title").notNull().default(""),
  views: numeric("views", { mode: "number" }).notNull().default(0),
  published: text("published").notNull().default(""),
  author: text("author").notNull().default(""),
  status: text("status", { enum: ["draft", "published", "archived"] })
    .notNull()
    .default("draft"),
  created: text("created").notNull(),
  updated: text("updated").notNull(),
};

/** The public posts table (no access rule). */
export const posts = sqliteTable("posts", postColumns);

/** The same posts behind an owner rule (only the signed-in author may list them). */
export const postsPrivate = sqliteTable("posts_private", postColumns);

/** The users that posts point to through `author` (the `users` auth collection of the system migrations). */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  name: text("name").notNull().default(""),
  created: text("created").notNull(),
  updated: text("updated").notNull(),
});

/** Records with one attachment (scenarios/files.mjs): the stored file name; the object is `<id>/<file>` in R2. */
export const baselineFiles = sqliteTable("baseline_files", {
  id: text("id").primaryKey(),
  file: text("file").notNull().default(""),
  created: text("created").notNull(),
});
