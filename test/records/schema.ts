/** In-memory collection definitions for unit tests of the records engine (no database needed). */
import type { Collection } from "../../src/collections/collection";
import type { Field } from "../../src/collections/fields";
import { SchemaSnapshot } from "../../src/collections/store";
import { idField } from "../../src/collections/system-fields";

const base = { system: false, hidden: false, presentable: false };

/** A field definition with PocketBase's defaults for the options a test does not care about. */
export function field(name: string, type: string, options: Record<string, unknown> = {}): Field {
  const defaults: Record<string, Record<string, unknown>> = {
    text: { required: false, min: 0, max: 0, pattern: "", autogeneratePattern: "", primaryKey: false },
    number: { required: false, min: null, max: null, onlyInt: false },
    bool: { required: false },
    select: { required: false, values: ["a", "b", "c"], maxSelect: 1 },
    relation: { required: false, collectionId: "", cascadeDelete: false, minSelect: 0, maxSelect: 1 },
    json: { required: false, maxSize: 0 },
    autodate: { onCreate: true, onUpdate: true },
  };
  return { ...base, id: `f_${name}`, name, type, ...defaults[type], ...options } as unknown as Field;
}

/** A base collection with `id` plus the given fields and rules. */
export function collection(
  id: string,
  name: string,
  fields: Field[],
  rules: Record<string, string | null> = {},
): Collection {
  return {
    id,
    name,
    type: "base",
    system: false,
    fields: [idField(), ...fields],
    indexes: [],
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    created: "",
    updated: "",
    ...rules,
  } as Collection;
}

/** users ← posts (author, multi tags, hidden secret, json meta) ← comments (post). */
export function blogSchema(): {
  snapshot: SchemaSnapshot;
  users: Collection;
  posts: Collection;
  comments: Collection;
} {
  const users = collection(
    "c_users",
    "users",
    [field("name", "text"), field("org", "relation", { collectionId: "c_orgs" })],
    {
      listRule: 'name != "x"',
    },
  );
  const orgs = collection("c_orgs", "orgs", [field("name", "text")], { listRule: null });
  const posts = collection("c_posts", "posts", [
    field("title", "text"),
    field("views", "number"),
    field("author", "relation", { collectionId: "c_users" }),
    field("editors", "relation", { collectionId: "c_users", maxSelect: 5 }),
    field("tags", "select", { maxSelect: 3 }),
    field("secret", "text", { hidden: true }),
    field("meta", "json"),
  ]);
  const comments = collection("c_comments", "comments", [
    field("message", "text"),
    field("post", "relation", { collectionId: "c_posts" }),
  ]);
  return { snapshot: new SchemaSnapshot("v1", [users, orgs, posts, comments]), users, posts, comments };
}
