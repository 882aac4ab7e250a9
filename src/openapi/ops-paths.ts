/** Routes of files and operations: file downloads and tokens, settings, logs, backups and crons. */
import { appleClientSecretInput } from "../auth/apple-client-secret";
import { testEmailInput } from "../auth/flows/test-email";
import { errorResponses, param } from "./components";
import { jsonBody, type Paths, response } from "./types";
import { fromZod } from "./zod-schema";

const str = { type: "string" };
const int = { type: "integer" };
const bearer = [{ bearerAuth: [] }];
const done = (description: string) => response(description);
const pathParam = (name: string) => ({ name, in: "path", required: true, schema: str });
const denied = errorResponses("401", "403");

/** The file routes every caller sees (a rule or a file token decides each download). */
export function filePaths(): Paths {
  const tags = ["files"];
  return {
    "/api/files/{collection}/{recordId}/{filename}": {
      get: {
        operationId: "downloadFile",
        tags,
        summary: "Download a file (or one of its thumbnails)",
        description:
          "Protected files need `?token=` (a file token); others follow the record's viewRule. `?thumb=WxH` serves a listed thumbnail size (any other size serves the original); `?download=1` sets `content-disposition: attachment`. Supports `Range` and `If-None-Match`.",
        security: [{}],
        parameters: [
          pathParam("collection"),
          pathParam("recordId"),
          pathParam("filename"),
          { name: "thumb", in: "query", required: false, schema: str },
          { name: "token", in: "query", required: false, schema: str },
          { name: "download", in: "query", required: false, schema: str },
        ],
        responses: {
          "200": { description: "The file.", content: { "application/octet-stream": { schema: str } } },
          "206": { description: "A byte range of the file." },
          "304": { description: "Not modified." },
          ...errorResponses("400", "403", "404"),
        },
      },
    },
    "/api/files/token": {
      post: {
        operationId: "fileToken",
        tags,
        summary: "A short-lived token for protected files",
        security: bearer,
        responses: {
          "200": response("The token (valid for about 2 minutes).", {
            type: "object",
            required: ["token"],
            properties: { token: str },
          }),
          ...errorResponses("401"),
        },
      },
    },
  };
}

/** Superuser-only operations: the orphan-file sweep, settings, logs, backups and crons. */
export function opsPaths(): Paths {
  const op = (tag: string, operationId: string, summary: string, rest: Record<string, unknown>) => ({
    operationId,
    tags: [tag],
    summary,
    security: bearer,
    ...rest,
  });
  const object = { type: "object" };
  const logEntry = {
    type: "object",
    required: ["id", "created", "level", "message", "data"],
    properties: { id: str, created: str, level: int, message: str, data: object },
  };
  const backup = {
    type: "object",
    required: ["key", "size", "modified"],
    properties: { key: str, size: int, modified: str },
  };
  const key = pathParam("key");
  return {
    "/api/files/cleanup": {
      post: op("files", "cleanupFiles", "Delete orphaned objects from the files bucket", {
        description:
          "Objects older than `minAgeMs` that no record names. Resumable with the returned `cursor`; the hourly `__filesCleanup__` cron runs the same sweep.",
        requestBody: jsonBody({
          type: "object",
          properties: {
            minAgeMs: { type: "integer", minimum: 0 },
            maxObjects: { type: "integer", minimum: 1, maximum: 100_000 },
            cursor: str,
          },
        }),
        responses: { "200": response("What the sweep did.", object), ...errorResponses("400", "401", "403") },
      }),
    },
    "/api/settings": {
      get: op("settings", "getSettings", "The settings (secrets masked)", {
        responses: { "200": response("The settings.", object), ...denied },
      }),
      patch: op("settings", "updateSettings", "Change some settings", {
        description:
          "Omitted keys keep their values; a masked secret sent back unchanged keeps the stored one.",
        requestBody: jsonBody(object),
        responses: { "200": response("The settings.", object), ...errorResponses("400", "401", "403") },
      }),
    },
    "/api/settings/test/email": {
      post: op("settings", "testEmail", "Send a test email (an auth template with placeholder values)", {
        requestBody: jsonBody(fromZod(testEmailInput)),
        responses: {
          "204": { description: "Sent (the transport accepted it)." },
          ...errorResponses("400", "401", "403", "503"),
        },
      }),
    },
    "/api/settings/apple/generate-client-secret": {
      post: op("settings", "generateAppleClientSecret", "Sign in with Apple's client secret (an ES256 JWT)", {
        requestBody: jsonBody(fromZod(appleClientSecretInput)),
        responses: {
          "200": response("The signed secret.", {
            type: "object",
            required: ["secret"],
            properties: { secret: str },
          }),
          ...errorResponses("400", "401", "403"),
        },
      }),
    },
    "/api/logs": {
      get: op("logs", "listLogs", "List logs", {
        parameters: ["page", "perPage", "sort", "filter"].map(param),
        responses: {
          "200": response("A page of logs.", {
            type: "object",
            required: ["page", "perPage", "totalItems", "totalPages", "items"],
            properties: {
              page: int,
              perPage: int,
              totalItems: int,
              totalPages: int,
              items: { type: "array", items: logEntry },
            },
          }),
          ...errorResponses("400", "401", "403"),
        },
      }),
      delete: op("logs", "deleteLogs", "Delete the logs a filter matches (all without one)", {
        parameters: [param("filter")],
        responses: { "204": done("Deleted."), ...errorResponses("400", "401", "403") },
      }),
    },
    "/api/logs/stats": {
      get: op("logs", "logStats", "Logs per hour", {
        parameters: [param("filter")],
        responses: {
          "200": response("Counts per hour, oldest first.", {
            type: "array",
            items: { type: "object", required: ["date", "total"], properties: { date: str, total: int } },
          }),
          ...errorResponses("400", "401", "403"),
        },
      }),
    },
    "/api/logs/{id}": {
      get: op("logs", "viewLog", "View a log", {
        parameters: [pathParam("id")],
        responses: { "200": response("The log.", logEntry), ...denied, ...errorResponses("404") },
      }),
    },
    "/api/backups": {
      get: op("backups", "listBackups", "List backups, newest first", {
        responses: { "200": response("The backups.", { type: "array", items: backup }), ...denied },
      }),
      post: op("backups", "createBackup", "Create a backup (a zip in the BACKUPS bucket)", {
        requestBody: jsonBody({
          type: "object",
          properties: { name: { ...str, pattern: "^[a-z0-9_-]+\\.zip$" } },
        }),
        responses: { "204": done("Created."), ...errorResponses("400", "401", "403") },
      }),
    },
    "/api/backups/upload": {
      post: op("backups", "uploadBackup", "Upload a backup zip", {
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["file"],
                properties: { file: { type: "string", contentMediaType: "application/zip" } },
              },
            },
          },
        },
        responses: { "204": done("Uploaded."), ...errorResponses("400", "401", "403") },
      }),
    },
    "/api/backups/{key}": {
      get: {
        operationId: "downloadBackup",
        tags: ["backups"],
        summary: "Download a backup",
        description:
          "Authenticates with `?token=` (a superuser's file token), so a browser can open it as a link.",
        security: [{}],
        parameters: [key, { name: "token", in: "query", required: true, schema: str }],
        responses: {
          "200": { description: "The zip.", content: { "application/zip": { schema: str } } },
          ...errorResponses("400", "403", "404"),
        },
      },
      delete: op("backups", "deleteBackup", "Delete a backup", {
        parameters: [key],
        responses: { "204": done("Deleted."), ...errorResponses("400", "401", "403", "404") },
      }),
    },
    "/api/backups/{key}/restore": {
      post: op("backups", "restoreBackup", "Restore a backup (replaces every collection's data)", {
        parameters: [key],
        responses: { "204": done("Restored."), ...errorResponses("400", "401", "403", "404") },
      }),
    },
    "/api/crons": {
      get: op("crons", "listCrons", "The registered cron jobs", {
        responses: {
          "200": response("By id.", {
            type: "array",
            items: {
              type: "object",
              required: ["id", "expression"],
              properties: { id: str, expression: str },
            },
          }),
          ...denied,
        },
      }),
    },
    "/api/crons/{id}": {
      post: op("crons", "runCron", "Run a job now (in the background)", {
        parameters: [pathParam("id")],
        responses: { "204": done("Started."), ...denied, ...errorResponses("404") },
      }),
    },
  };
}
