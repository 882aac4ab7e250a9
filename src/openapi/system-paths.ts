/** Routes that exist once per instance: health, batch, realtime, sessions and the collections admin API. */
import { collectionInputSchema } from "../collections/collection";
import { dryRunViewInput } from "../collections/dry-run-view";
import { importCollectionsInput } from "../collections/import-collections";
import { oauth2RedirectSchema } from "../realtime/oauth2-redirect";
import { setSubscriptionsSchema } from "../realtime/sse-subscriptions";
import { errorResponses, param } from "./components";
import { jsonBody, type PathItem, type Paths, response } from "./types";
import { fromZod } from "./zod-schema";

const str = { type: "string" };
/** Operations that need a token (which kind is said in the summary). */
const bearer = [{ bearerAuth: [] }];

/** Paths every caller sees. */
export function publicPaths(): Paths {
  return {
    "/api/health": {
      get: {
        operationId: "health",
        tags: ["system"],
        summary: "Liveness (superusers also get `data`: canBackup, realIP, possibleProxyHeader)",
        security: [{}],
        responses: {
          "200": response("Healthy.", {
            type: "object",
            required: ["code", "message", "data"],
            properties: {
              code: { type: "integer" },
              message: str,
              data: {
                type: "object",
                properties: { canBackup: { type: "boolean" }, realIP: str, possibleProxyHeader: str },
              },
            },
          }),
        },
      },
    },
    "/api/batch": {
      post: {
        operationId: "batch",
        tags: ["system"],
        summary: "Several record writes, all or nothing",
        description:
          "Create (`POST …/records`), update (`PATCH …/records/{id}`), upsert (`PUT …/records` with an id) and delete requests run in one D1 batch, each checked with the caller's rules.",
        requestBody: jsonBody({
          type: "object",
          required: ["requests"],
          properties: {
            requests: {
              type: "array",
              items: {
                type: "object",
                required: ["method", "url"],
                properties: {
                  method: { type: "string", enum: ["POST", "PUT", "PATCH", "DELETE"] },
                  url: { ...str, examples: ["/api/collections/posts/records"] },
                  headers: { type: "object", additionalProperties: str },
                  body: { type: "object" },
                },
              },
            },
          },
        }),
        responses: {
          "200": response("One result per request, in order.", {
            type: "array",
            items: {
              type: "object",
              required: ["status", "body"],
              properties: { status: { type: "integer" }, body: {} },
            },
          }),
          ...errorResponses("400", "403"),
        },
      },
    },
    "/api/realtime": {
      get: {
        operationId: "realtimeConnect",
        tags: ["realtime"],
        summary: "Server-Sent Events stream (PocketBase-compatible)",
        description:
          "Opens an `text/event-stream`. The first event is `PB_CONNECT` with `{clientId}`; then one event per change of a subscribed topic, named by the topic, with `{action: create|update|delete, record}`. `coll/*` topics follow the listRule, `coll/ID` the viewRule, per subscriber and event. A custom topic's event carries the published payload itself, to subscribers its rule admits. A client IP over its open-connection limit (WebSockets and streams together) gets a 429.",
        responses: {
          "200": { description: "The event stream.", content: { "text/event-stream": { schema: str } } },
          ...errorResponses("429"),
        },
      },
      post: {
        operationId: "realtimeSubscribe",
        tags: ["realtime"],
        summary: "Set the topics of an SSE client",
        description:
          'Topics: `posts/*`, `posts/RECORD_ID` of an existing collection, with `?options={"query":{"filter":…},"headers":{…}}`; custom topics (`chat/room1`: 1 to 8 names of letters, digits, `_ . -` joined by `/`, the first not a collection\'s name, `presence` or `broadcast`; no options; at most 100 per client); `@oauth2`. Anything else is a 400 naming the topic.',
        requestBody: jsonBody(fromZod(setSubscriptionsSchema)),
        responses: { "204": response("Subscribed."), ...errorResponses("400", "403", "404", "429") },
      },
    },
    "/api/oauth2-redirect": oauth2RedirectPaths(),
    "/api/realtime/ws": {
      get: {
        operationId: "realtimeWebSocket",
        tags: ["realtime"],
        summary: "Native WebSocket (Edgebase extension)",
        description:
          'Upgrade with `Upgrade: websocket`. Messages `{type:"subscribe"|"unsubscribe", topic, filter?, expand?, fields?}`; events `{type:"event", topic, action, record, seq}`; reconnect with `since=SEQ` to resume. Presence and broadcast topics: `presence/ROOM`, `broadcast/ROOM`. Custom topics: connect with `channel=chat`, subscribe to `chat/…`, receive `{type:"message", topic, data}`.',
        parameters: [
          {
            name: "collection",
            in: "query",
            description: "A collection's hub (record topics).",
            schema: str,
          },
          { name: "room", in: "query", description: "A room's hub (presence and broadcast).", schema: str },
          {
            name: "channel",
            in: "query",
            description: "A custom topics channel's hub (`chat` for `chat/room1`); not a collection's name.",
            schema: str,
          },
          {
            name: "since",
            in: "query",
            description: "Replay record events after this sequence.",
            schema: str,
          },
          { name: "key", in: "query", description: "Shard key.", schema: str },
          {
            name: "ticket",
            in: "query",
            description: "A single-use ticket from POST /api/realtime/ticket.",
            schema: str,
          },
        ],
        responses: { "101": response("Switching protocols."), ...errorResponses("400", "401", "429") },
      },
    },
  };
}

/** A session as both session lists show it (`current`: the request's own session; always false for superusers). */
const sessionSchema = {
  type: "object",
  required: ["id", "created", "lastSeen", "expires", "ip", "userAgent", "method", "provider", "current"],
  properties: {
    id: str,
    created: str,
    lastSeen: str,
    expires: str,
    ip: str,
    userAgent: str,
    method: {
      ...str,
      description: 'password, otp, oauth2, totp or passkey ("" before this field existed)',
    },
    provider: { ...str, description: 'The OAuth2 provider of an oauth2 sign-in, else ""' },
    current: { type: "boolean" },
  },
};

const sessionList = {
  type: "object",
  required: ["items"],
  properties: { items: { type: "array", items: sessionSchema } },
};

/** Paths of the signed-in caller's own sessions (Edgebase extension). */
export function sessionPaths(): Paths {
  const done = { "204": response("Done."), ...errorResponses("401") };
  const tags = ["sessions"];
  return {
    "/api/sessions": {
      get: {
        operationId: "listSessions",
        tags,
        summary: "The caller's sessions",
        security: bearer,
        responses: {
          "200": response("The sessions.", sessionList),
          ...errorResponses("401"),
        },
      },
    },
    "/api/sessions/{id}": {
      delete: {
        operationId: "deleteSession",
        tags,
        summary: "End one of the caller's sessions",
        security: bearer,
        parameters: [{ name: "id", in: "path", required: true, schema: str }],
        responses: { ...done, ...errorResponses("404") },
      },
    },
    "/api/sessions/logout": {
      post: {
        operationId: "logout",
        tags,
        summary: "End the current session",
        security: bearer,
        responses: done,
      },
    },
    "/api/sessions/logout-all": {
      post: {
        operationId: "logoutAll",
        tags,
        summary: "End every session",
        security: bearer,
        responses: done,
      },
    },
  };
}

/** An auth record's sessions, for superusers (Edgebase extension; the superuser document only). */
export function recordSessionPaths(collection: string): Paths {
  const base = `/api/collections/${collection}/records/{id}/sessions`;
  const tags = [collection];
  const id = { name: "id", in: "path", required: true, schema: str };
  const denied = errorResponses("400", "401", "403", "404");
  return {
    [base]: {
      get: {
        operationId: `listRecordSessions_${collection}`,
        tags,
        summary: "The record's sessions (superusers)",
        security: bearer,
        parameters: [id],
        responses: { "200": response("The sessions (`current` is false).", sessionList), ...denied },
      },
    },
    [`${base}/{sessionId}`]: {
      delete: {
        operationId: `deleteRecordSession_${collection}`,
        tags,
        summary: "End one of the record's sessions (superusers)",
        security: bearer,
        parameters: [id, { name: "sessionId", in: "path", required: true, schema: str }],
        responses: { "204": response("Done."), ...denied },
      },
    },
  };
}

/** The collections admin API (superusers only). */
export function adminPaths(): Paths {
  const tags = ["collections"];
  const collection = { $ref: "#/components/schemas/Collection" };
  const idOrName = { name: "idOrName", in: "path", required: true, schema: str };
  const denied = errorResponses("401", "403");
  const op = (operationId: string, summary: string, rest: Record<string, unknown>) => ({
    operationId,
    tags,
    summary,
    security: bearer,
    ...rest,
  });
  return {
    "/api/collections": {
      get: op("listCollections", "List collections", {
        parameters: ["page", "perPage", "sort", "filter", "skipTotal"].map(param),
        responses: {
          "200": response("A page of collections.", {
            type: "object",
            required: ["page", "perPage", "totalItems", "totalPages", "items"],
            properties: {
              page: { type: "integer" },
              perPage: { type: "integer" },
              totalItems: { type: "integer" },
              totalPages: { type: "integer" },
              items: { type: "array", items: collection },
            },
          }),
          ...denied,
        },
      }),
      post: op("createCollection", "Create a collection", {
        requestBody: jsonBody(fromZod(collectionInputSchema)),
        responses: { "200": response("The collection.", collection), ...errorResponses("400", "401", "403") },
      }),
    },
    "/api/collections/import": {
      put: op("importCollections", "Replace the schema atomically", {
        description:
          "Matches collections by id then name; `deleteMissing` deletes every other non-system collection. All changes commit in one batch or none do.",
        requestBody: jsonBody(fromZod(importCollectionsInput)),
        responses: { "204": response("Imported."), ...errorResponses("400", "401", "403") },
      }),
    },
    "/api/collections/meta/scaffolds": {
      get: op("collectionScaffolds", "Blank collections of each type", {
        responses: {
          "200": response("By type.", { type: "object", additionalProperties: collection }),
          ...denied,
        },
      }),
    },
    "/api/collections/meta/oauth2-providers": {
      get: op("collectionOAuth2Providers", "The supported OAuth2 providers and their defaults", {
        responses: {
          "200": response("Sorted by name.", {
            type: "array",
            items: {
              type: "object",
              properties: {
                name: { type: "string" },
                displayName: { type: "string" },
                authURL: { type: "string" },
                tokenURL: { type: "string" },
                userInfoURL: { type: "string" },
                pkce: { type: "boolean" },
                scopes: { type: "array", items: { type: "string" } },
              },
            },
          }),
          ...denied,
        },
      }),
    },
    "/api/collections/meta/dry-run-view": {
      post: op("dryRunView", "Infer a view query's fields without saving it", {
        description:
          "The fields a view collection with this query would have (types traced to the source fields, as on save) and up to 10 rows. An invalid query, or a sample with empty or repeated ids, is a 400 at `query`; nothing is written.",
        requestBody: jsonBody(fromZod(dryRunViewInput)),
        responses: {
          "200": response("The inferred fields and a sample.", {
            type: "object",
            required: ["fields", "sample"],
            properties: {
              fields: { type: "array", items: { type: "object" } },
              sample: { type: "array", items: { type: "object" } },
            },
          }),
          ...errorResponses("400", "401", "403"),
        },
      }),
    },
    "/api/collections/{idOrName}": {
      get: op("viewCollection", "View a collection", {
        parameters: [idOrName],
        responses: { "200": response("The collection.", collection), ...denied, ...errorResponses("404") },
      }),
      patch: op("updateCollection", "Update a collection (DDL runs atomically, data kept)", {
        parameters: [idOrName],
        requestBody: jsonBody({ type: "object" }),
        responses: {
          "200": response("The collection.", collection),
          ...errorResponses("400", "401", "403", "404"),
        },
      }),
      delete: op("deleteCollection", "Delete a collection and its table", {
        parameters: [idOrName],
        responses: { "204": response("Deleted."), ...errorResponses("400", "401", "403", "404") },
      }),
    },
    "/api/collections/{idOrName}/truncate": {
      delete: op("truncateCollection", "Delete every record of a collection", {
        parameters: [idOrName],
        responses: { "204": response("Truncated."), ...errorResponses("400", "401", "403", "404") },
      }),
    },
  };
}

/** The collection definition as the admin API returns it (fields and options are documented in API.md). */
export const collectionSchema = {
  type: "object",
  required: [
    "id",
    "name",
    "type",
    "system",
    "fields",
    "indexes",
    "listRule",
    "viewRule",
    "createRule",
    "updateRule",
    "deleteRule",
  ],
  properties: {
    id: str,
    name: str,
    type: { type: "string", enum: ["base", "auth", "view"] },
    system: { type: "boolean" },
    fields: { type: "array", items: { type: "object", required: ["id", "name", "type"] } },
    indexes: { type: "array", items: str },
    listRule: { type: ["string", "null"] },
    viewRule: { type: ["string", "null"] },
    createRule: { type: ["string", "null"] },
    updateRule: { type: ["string", "null"] },
    deleteRule: { type: ["string", "null"] },
    created: str,
    updated: str,
  },
};

/** The provider's redirect of the SDK's all-in-one `authWithOAuth2()` (an HTML page for the popup). */
function oauth2RedirectPaths(): PathItem {
  const page = (description: string) => ({ description, content: { "text/html": { schema: str } } });
  const responses = {
    "200": page("Delivered: the page says the window can be closed."),
    "400": page("The provider's error was delivered, or nothing was (invalid, replayed or foreign state)."),
  };
  const description =
    "`state` is the SDK's realtime client id. `{state, code, error}` is sent once on the `@oauth2` topic to that SSE client, only while it is subscribed to `@oauth2` and only from the IP it connected from.";
  const fields = fromZod(oauth2RedirectSchema);
  return {
    get: {
      operationId: "oauth2Redirect",
      tags: ["realtime"],
      summary: "OAuth2 provider redirect (PocketBase-compatible)",
      description,
      security: [{}],
      parameters: ["state", "code", "error"].map((name) => ({ name, in: "query", schema: str })),
      responses,
    },
    post: {
      operationId: "oauth2RedirectFormPost",
      tags: ["realtime"],
      summary: "OAuth2 provider redirect with response_mode=form_post (Apple)",
      description,
      security: [{}],
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": { schema: fields },
          "application/json": { schema: fields },
        },
      },
      responses,
    },
  };
}
