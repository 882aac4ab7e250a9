/** Shared components: the error shape, error responses, query parameters and security schemes. */
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from "../records/query-params";
import { ref, response } from "./types";

/** The one error shape every failing request answers with (API.md "Conventions"). */
const errorSchema = {
  type: "object",
  required: ["status", "message", "data"],
  properties: {
    status: { type: "integer" },
    message: { type: "string" },
    data: {
      type: "object",
      description: "Per-field validation errors.",
      additionalProperties: {
        type: "object",
        required: ["code", "message"],
        properties: { code: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

const ERRORS: Record<string, string> = {
  "400": "Invalid input (`data` names the fields).",
  "401": "Missing, bad or expired token.",
  "403": "Forbidden by a locked rule or superusers only.",
  "404": "Not found, or filtered out by a rule.",
  "412": "`If-Match` names a stale version.",
  "429": "Rate limited (see `Retry-After`).",
  "503": "Sending email is not configured on this server (`MAIL_API_URL`, `APP_URL`; see README).",
};

/** `responses` entries for the given error statuses, each a `$ref` to the shared error response. */
export function errorResponses(...statuses: (keyof typeof ERRORS & string)[]): Record<string, unknown> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: `#/components/responses/Error${s}` }]));
}

/** A `$ref` to a shared query parameter. */
export const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const query = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});

/** The `components` object shared by every document. */
export function components(): Record<string, unknown> {
  return {
    schemas: {
      Error: errorSchema,
      Record: {
        type: "object",
        required: ["id", "collectionId", "collectionName"],
        properties: {
          id: { type: "string" },
          collectionId: { type: "string" },
          collectionName: { type: "string" },
        },
        additionalProperties: true,
      },
    },
    responses: Object.fromEntries(
      Object.entries(ERRORS).map(([status, description]) => [
        `Error${status}`,
        response(description, ref("Error")),
      ]),
    ),
    parameters: {
      page: query("page", "Page number (from 1).", { type: "integer", minimum: 1, default: 1 }),
      perPage: query("perPage", `Items per page (at most ${MAX_PER_PAGE}).`, {
        type: "integer",
        minimum: 1,
        maximum: MAX_PER_PAGE,
        default: DEFAULT_PER_PAGE,
      }),
      sort: query(
        "sort",
        "Comma-separated fields, `-` for descending; `@random`, `@rowid`. At most 8 terms.",
      ),
      filter: query("filter", "A filter expression, e.g. `title ~ 'x' && created > @yesterday`."),
      expand: query("expand", "Relations to expand, e.g. `author,comments_via_post.user` (depth ≤ 6)."),
      fields: query("fields", "Fields to return, e.g. `*,expand.author.name,body:excerpt(200,true)`."),
      skipTotal: query("skipTotal", "`1` skips the COUNT: totalItems and totalPages are -1.", {
        type: "string",
        enum: ["0", "1", "true", "false"],
      }),
      cursor: query(
        "cursor",
        "Edgebase extension: the `nextCursor` of the previous page (stable deep paging).",
      ),
    },
    securitySchemes: {
      bearerAuth: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description:
          "A token from an auth-with-* endpoint, as `Authorization: Bearer TOKEN` (or the bare token).",
      },
    },
  };
}
