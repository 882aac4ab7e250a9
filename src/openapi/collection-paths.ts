/** The records routes of one collection: list, view, create, update, delete, with rules in descriptions. */
import type { Collection } from "../collections/collection";
import { errorResponses, param } from "./components";
import { type Audience, inputSchema, recordSchema } from "./record-schemas";
import { jsonBody, type Paths, response } from "./types";

/** How a rule reads in an operation's description. */
export function describeRule(name: string, rule: string | null): string {
  if (rule === null) return `**${name}**: locked (superusers only).`;
  if (rule === "") return `**${name}**: anyone.`;
  return `**${name}**: \`${rule}\``;
}

/** A name safe for operation ids and component names (collection names are already identifiers). */
const idOf = (collection: Collection) => collection.name;

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const ifMatch = {
  name: "If-Match",
  in: "header",
  required: false,
  description: "An `ETag` from a read: the write fails with 412 when the record changed since.",
  schema: { type: "string" },
};

/** The records paths of a collection for an audience, plus the component schemas they reference. */
export function collectionPaths(
  collection: Collection,
  audience: Audience,
): { paths: Paths; schemas: Record<string, unknown> } {
  const name = idOf(collection);
  const base = `/api/collections/${collection.name}/records`;
  const tags = [collection.name];
  const record = { $ref: `#/components/schemas/${name}Record` };
  const schemas: Record<string, unknown> = { [`${name}Record`]: recordSchema(collection, audience) };
  const list = {
    type: "object",
    required: ["page", "perPage", "totalItems", "totalPages", "items"],
    properties: {
      page: { type: "integer" },
      perPage: { type: "integer" },
      totalItems: { type: "integer" },
      totalPages: { type: "integer" },
      items: { type: "array", items: record },
      nextCursor: { type: ["string", "null"], description: "With `cursor`: the next page's cursor." },
    },
  };
  const paths: Paths = {
    [base]: {
      get: {
        operationId: `list_${name}`,
        tags,
        summary: `List ${collection.name} records`,
        description: `${describeRule("listRule", collection.listRule)} Records the rule does not match are left out.`,
        parameters: ["page", "perPage", "sort", "filter", "expand", "fields", "skipTotal", "cursor"].map(
          param,
        ),
        responses: { "200": response("A page of records.", list), ...errorResponses("400", "403") },
      },
    },
    [`${base}/{id}`]: {
      get: {
        operationId: `view_${name}`,
        tags,
        summary: `View a ${collection.name} record`,
        description: `${describeRule("viewRule", collection.viewRule)} A record the rule does not match is a 404.`,
        parameters: [idParam, param("expand"), param("fields")],
        responses: {
          "200": response("The record (with an `ETag`).", record),
          ...errorResponses("403", "404"),
        },
      },
    },
  };
  if (collection.type === "view") return { paths, schemas };

  schemas[`${name}Create`] = inputSchema(collection, audience, "create");
  schemas[`${name}Update`] = inputSchema(collection, audience, "update");
  const ref = (suffix: string) => ({ $ref: `#/components/schemas/${name}${suffix}` });
  paths[base] = {
    ...paths[base],
    post: {
      operationId: `create_${name}`,
      tags,
      summary: `Create a ${collection.name} record`,
      description: `${describeRule("createRule", collection.createRule)} A record the rule does not match is a 400.`,
      parameters: [param("expand"), param("fields")],
      requestBody: jsonBody(ref("Create")),
      responses: { "200": response("The created record.", record), ...errorResponses("400", "403") },
    },
  };
  paths[`${base}/{id}`] = {
    ...paths[`${base}/{id}`],
    patch: {
      operationId: `update_${name}`,
      tags,
      summary: `Update a ${collection.name} record`,
      description: `${describeRule("updateRule", collection.updateRule)} A record the rule does not match is a 404.`,
      parameters: [idParam, ifMatch, param("expand"), param("fields")],
      requestBody: jsonBody(ref("Update")),
      responses: {
        "200": response("The updated record.", record),
        ...errorResponses("400", "403", "404", "412"),
      },
    },
    delete: {
      operationId: `delete_${name}`,
      tags,
      summary: `Delete a ${collection.name} record`,
      description: `${describeRule("deleteRule", collection.deleteRule)} A record the rule does not match is a 404.`,
      parameters: [idParam, ifMatch],
      responses: { "204": response("Deleted."), ...errorResponses("400", "403", "404", "412") },
    },
  };
  if (audience.superuser) Object.assign(paths, importPaths(collection, base, tags));
  return { paths, schemas };
}

/** The superuser-only import routes `edgebase import pocketbase` uses. */
function importPaths(collection: Collection, base: string, tags: string[]): Paths {
  const name = idOf(collection);
  const paths: Paths = {
    [`${base}/import`]: {
      post: {
        operationId: `import_${name}`,
        tags,
        summary: `Import ${collection.name} records with their ids (superusers)`,
        description:
          "At most 100 records, upserted by id with their timestamps (and password hashes); identical ones are left alone. Values are validated per field; rules and hooks do not run.",
        requestBody: jsonBody({
          type: "object",
          required: ["records"],
          properties: { records: { type: "array", items: { type: "object" }, maxItems: 100 } },
        }),
        responses: {
          "200": response("What the call did.", {
            type: "object",
            required: ["created", "updated", "unchanged"],
            properties: {
              created: { type: "integer" },
              updated: { type: "integer" },
              unchanged: { type: "integer" },
            },
          }),
          ...errorResponses("400", "401", "403"),
        },
      },
    },
  };
  if (!collection.fields.some((f) => f.type === "file")) return paths;
  paths[`${base}/{id}/files/{filename}`] = {
    put: {
      operationId: `import_file_${name}`,
      tags,
      summary: `Import a stored ${collection.name} file under its name (superusers)`,
      description:
        "The raw bytes (`Content-Type` as stored) of a file the record's file field already names; checked against the field's size and types. The same bytes again store nothing (`stored: false`).",
      parameters: [idParam, { name: "filename", in: "path", required: true, schema: { type: "string" } }],
      requestBody: { required: true, content: { "application/octet-stream": { schema: {} } } },
      responses: {
        "200": response("Whether the bytes were written.", {
          type: "object",
          required: ["stored"],
          properties: { stored: { type: "boolean" } },
        }),
        ...errorResponses("400", "401", "403", "404"),
      },
    },
  };
  return paths;
}
