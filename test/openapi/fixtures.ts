/** A schema with every field type, rules of each kind and a hidden field: the OpenAPI and typegen fixture. */

/** Collections as `PUT /api/collections/import` takes them (ids fixed so relations can name them). */
export const FIXTURE_COLLECTIONS = [
  {
    id: "oafixauthors001",
    name: "oa_authors",
    type: "auth",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "id = @request.auth.id",
    deleteRule: null,
    fields: [
      { name: "name", type: "text", required: true, max: 80 },
      { name: "note", type: "text", hidden: true },
    ],
  },
  {
    id: "oafixposts00001",
    name: "oa_posts",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "title", type: "text", required: true, max: 200 },
      { name: "body", type: "editor" },
      { name: "views", type: "number", min: 0, onlyInt: true },
      { name: "score", type: "number" },
      { name: "published", type: "bool" },
      { name: "contact", type: "email" },
      { name: "site", type: "url" },
      { name: "publishedAt", type: "date" },
      { name: "status", type: "select", values: ["draft", "live"], maxSelect: 1 },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "author", type: "relation", collectionId: "oafixauthors001", maxSelect: 1 },
      { name: "related", type: "relation", collectionId: "oafixposts00001", maxSelect: 5 },
      { name: "meta", type: "json" },
      { name: "location", type: "geoPoint" },
      { name: "internal", type: "text", hidden: true },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
  },
  {
    id: "oafixarchive001",
    name: "oa_archive",
    type: "base",
    fields: [{ name: "label", type: "text" }],
  },
];

/** A view over `oa_posts`, created after the import (a view query needs its tables to exist). */
export const FIXTURE_VIEW = {
  id: "oafixtitles0001",
  name: "oa_titles",
  type: "view",
  listRule: "",
  viewRule: "",
  viewQuery: "SELECT id, title FROM oa_posts",
};

/** A post body that sets every writable field of `oa_posts`. */
export const FIXTURE_POST = {
  title: "Hello",
  body: "<p>Hi</p>",
  views: 3,
  score: 1.5,
  published: true,
  contact: "ann@example.com",
  site: "https://example.com",
  publishedAt: "2026-01-31 12:00:00.000Z",
  status: "live",
  tags: ["a", "c"],
  meta: { nested: [1, 2] },
  location: { lon: 12.5, lat: 41.9 },
};
