/** The OpenAPI 3.1 document of an instance: built from the collection definitions for one audience. */
import type { Collection } from "../collections/collection";
import { SUPERUSERS } from "../collections/names";
import { EDGEBASE_VERSION } from "../lib/version";
import { authPaths } from "./auth-paths";
import { collectionPaths } from "./collection-paths";
import { components } from "./components";
import { filePaths, opsPaths } from "./ops-paths";
import { passkeyPaths } from "./passkey-paths";
import type { Audience } from "./record-schemas";
import { adminPaths, collectionSchema, publicPaths, recordSessionPaths, sessionPaths } from "./system-paths";
import { totpPaths } from "./totp-paths";
import type { Paths } from "./types";

/** What the document is built from. */
export interface DocumentInput {
  collections: readonly Collection[];
  /** The schema version (collections/store.ts); part of `info.version`. */
  schemaVersion: string;
  audience: Audience;
}

/**
 * True when the audience's records routes for the collection are documented: superusers see every
 * collection; everyone else those whose list or view rule is not locked (a rule may still filter records).
 */
export function isDocumented(collection: Collection, audience: Audience): boolean {
  return audience.superuser || collection.listRule !== null || collection.viewRule !== null;
}

/** `info.version`: the package version with the schema version as semver build metadata. */
export function documentVersion(schemaVersion: string): string {
  const build = schemaVersion.replace(/[^0-9A-Za-z-]/g, "").slice(0, 16);
  return build ? `${EDGEBASE_VERSION}+schema.${build}` : EDGEBASE_VERSION;
}

const DESCRIPTION = `The Edgebase API of this instance, generated from its live schema.

Edgebase speaks the PocketBase Web API: the official \`pocketbase\` SDK works unchanged. Every error has one
shape (\`Error\`); every response carries \`x-request-id\` and \`x-edgebase-version\`.

Record uploads use \`multipart/form-data\` with the same field names (API.md, "Files (R2)").`;

/** Builds the document. Sorted by collection name so equal schemas give byte-equal documents. */
export function buildDocument(input: DocumentInput): Record<string, unknown> {
  const { audience } = input;
  const paths: Paths = { ...publicPaths() };
  const shared = components();
  const schemas = shared.schemas as Record<string, unknown>;
  schemas.Collection = collectionSchema;
  const sorted = [...input.collections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const tags: { name: string; description?: string }[] = [];
  for (const collection of sorted) {
    const documented = isDocumented(collection, audience);
    // Superusers sign in through _superusers, so its auth routes are always shown.
    const signIn = collection.type === "auth" && (documented || collection.name === SUPERUSERS);
    if (!documented && !signIn) continue;
    tags.push({
      name: collection.name,
      description: `Collection \`${collection.name}\` (${collection.type}).`,
    });
    const part = collectionPaths(collection, audience);
    if (documented) {
      Object.assign(paths, part.paths);
      Object.assign(schemas, part.schemas);
    }
    if (collection.type === "auth") {
      const auth = authPaths(collection);
      Object.assign(paths, auth.paths, passkeyPaths(collection, `${collection.name}AuthRecord`));
      Object.assign(
        paths,
        totpPaths(collection, { $ref: `#/components/schemas/${collection.name}AuthRecord` }),
      );
      Object.assign(schemas, auth.schemas);
      if (audience.superuser) Object.assign(paths, recordSessionPaths(collection.name));
    }
  }
  Object.assign(paths, sessionPaths(), filePaths());
  if (audience.superuser) Object.assign(paths, adminPaths(), opsPaths());
  return {
    openapi: "3.1.0",
    info: { title: "Edgebase API", version: documentVersion(input.schemaVersion), description: DESCRIPTION },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }, {}],
    tags: [
      ...tags,
      { name: "system" },
      { name: "realtime" },
      { name: "sessions" },
      { name: "files" },
      ...(audience.superuser
        ? ["collections", "settings", "logs", "backups", "crons", "webhooks"].map((name) => ({ name }))
        : []),
    ],
    paths,
    components: shared,
  };
}
