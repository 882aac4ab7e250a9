/**
 * The one table of how a PocketBase export maps onto Edgebase: which system collections go where, and how
 * collections and records are converted for Edgebase's import endpoints.
 */

/** PocketBase system collections and what the import does with each. */
export const SYSTEM_COLLECTIONS = Object.freeze({
  // Edgebase has the same collections: their records (bcrypt hashes, provider links) are imported into them.
  _superusers: { action: "records", into: "_superusers" },
  _externalAuths: { action: "records", into: "_externalAuths" },
  _mfas: { action: "skip", reason: "MFA sessions are short-lived (minutes): nothing worth moving" },
  _otps: { action: "skip", reason: "one-time passwords expire in minutes: nothing worth moving" },
  _authOrigins: {
    action: "skip",
    reason: "known devices are fingerprinted differently: the first sign-in after the move is learnt quietly",
  },
});

/** PocketBase's installer placeholder superuser (never a real account). */
export const INSTALLER_EMAIL = "__pbinstaller@example.com";

/** Record fields that name a collection by id (system collections' `collectionRef`). */
const COLLECTION_REFS = ["collectionRef"];

/**
 * @typedef {import("./read-data-db.mjs").PbCollection} PbCollection
 */

/**
 * A PocketBase collection as Edgebase's import takes it: the same JSON (fields with their `help`, file fields,
 * oauth2 providers with their secrets, MFA/OTP, email templates), without PocketBase's own timestamps. OAuth2
 * providers the server does not implement are left out, each with a note (and OAuth2 is switched off when
 * none is left), since the server refuses them.
 * @param {PbCollection} pb
 * @param {ReadonlySet<string>} providers the OAuth2 provider names the server implements
 * @returns {{ collection: Record<string, unknown>, notes: string[] }}
 */
export function convertCollection(pb, providers) {
  const { created: _created, updated: _updated, ...collection } = pb;
  /** @type {string[]} */
  const notes = [];
  const oauth2 = /** @type {{ enabled?: boolean, providers?: { name: string }[] } | undefined} */ (pb.oauth2);
  if (oauth2 && Array.isArray(oauth2.providers)) {
    const kept = oauth2.providers.filter((p) => providers.has(p.name));
    for (const p of oauth2.providers.filter((p) => !providers.has(p.name)))
      notes.push(`OAuth2 provider ${p.name}: not implemented here (${[...providers].join(", ")} are)`);
    const enabled = Boolean(oauth2.enabled) && kept.length > 0;
    if (oauth2.enabled && !enabled) notes.push("oauth2.enabled: imported as false (no provider left)");
    collection.oauth2 = { ...oauth2, enabled, providers: kept };
  }
  return { collection, notes };
}

/**
 * A PocketBase record row as the import endpoint takes it: JSON columns parsed, bools as booleans, and
 * collection ids (`collectionRef`) translated through `collectionIds` (PocketBase id → Edgebase id).
 * @param {PbCollection} pb
 * @param {Record<string, unknown>} row
 * @param {Map<string, string>} [collectionIds]
 */
export function convertRecord(pb, row, collectionIds = new Map()) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const field of pb.fields) {
    if (!(field.name in row)) continue;
    let value = row[field.name];
    if (field.type === "bool") value = value === 1 || value === true || value === "1";
    else if (field.type === "number") value = value === null ? 0 : Number(value);
    else if (
      (field.type === "json" || field.type === "geoPoint" || isMulti(field)) &&
      typeof value === "string"
    ) {
      try {
        value = value === "" ? null : JSON.parse(value);
      } catch {
        // Left as text: the server validates it and names the field.
      }
    } else if (value === null) value = "";
    if (COLLECTION_REFS.includes(field.name) && typeof value === "string")
      value = collectionIds.get(value) ?? value;
    out[field.name] = value;
  }
  return out;
}

/**
 * The file names a record's file field holds (one name, or a JSON list when maxSelect > 1).
 * @param {any} field
 * @param {unknown} value
 * @returns {string[]}
 */
export function fileNames(field, value) {
  if (typeof value !== "string" || value === "") return [];
  if (!isMulti(field)) return [value];
  try {
    const list = JSON.parse(value);
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return [];
  }
}

/** Content types by file extension, for files the bytes alone do not identify (the server sniffs the rest). */
const CONTENT_TYPES = Object.freeze({
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  json: "application/json",
  mp4: "video/mp4",
  mp3: "audio/mpeg",
  zip: "application/zip",
});

/**
 * The content type a stored file is sent with, from its extension; "" when unknown (the server then goes by
 * the bytes, and a field's mimeTypes are checked against what it finds).
 * @param {string} name
 */
export function contentTypeOf(name) {
  const ext = /** @type {keyof typeof CONTENT_TYPES} */ (name.split(".").at(-1)?.toLowerCase() ?? "");
  return CONTENT_TYPES[ext] ?? "";
}

/** @param {any} field */
function isMulti(field) {
  return (
    (field.type === "select" || field.type === "relation" || field.type === "file") &&
    Number(field.maxSelect ?? 1) > 1
  );
}
