/**
 * TypeScript types and zod schemas from collection definitions: records, create/update inputs, expand,
 * and a `TypedPocketBase`. Pure: the same collections always give the same text.
 *
 * The CLI runs on plain Node and cannot import the Worker's TypeScript, so the few rules below mirror
 * src/records/write-values.ts and src/collections/fields (which keys are writable, required, hidden);
 * test/cli/typegen.node.test.ts compiles the output against the server's fixture schema.
 */

/**
 * @typedef {Record<string, any>} Collection
 * @typedef {Record<string, any>} Field
 */

/**
 * `oa_posts` → `OaPosts`; system collections (`_superusers`) get a `System` prefix.
 * @param {string} name
 */
export function typeName(name) {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return name.startsWith("_") ? `System${pascal}` : pascal;
}

/**
 * `oa_posts` → `oaPosts` (for value names such as zod schemas).
 * @param {string} name
 */
function valueName(name) {
  const type = typeName(name);
  return type.charAt(0).toLowerCase() + type.slice(1);
}

const quote = (/** @type {string} */ s) => JSON.stringify(s);
const key = (/** @type {string} */ s) => (/^[A-Za-z_$][\w$]*$/.test(s) ? s : quote(s));
const isAuth = (/** @type {Collection} */ c) => c.type === "auth";
const isMulti = (/** @type {Field} */ f) =>
  (f.type === "select" || f.type === "relation") && (f.maxSelect ?? 1) > 1;
/** Fields never returned by the API, superusers included. */
const isSecret = (/** @type {Collection} */ c, /** @type {Field} */ f) =>
  isAuth(c) && (f.name === "password" || f.name === "tokenKey");

/**
 * The TypeScript type of a field's value.
 * @param {Field} f
 */
function tsType(f) {
  switch (f.type) {
    case "number":
      return "number";
    case "bool":
      return "boolean";
    case "json":
      return "unknown";
    case "geoPoint":
      return "{ lon: number; lat: number }";
    case "select": {
      const values = (f.values ?? []).map(quote).join(" | ") || "string";
      return isMulti(f) ? `Array<${values}>` : `"" | ${values}`;
    }
    case "relation":
      return isMulti(f) ? "RecordId[]" : "RecordId";
    default:
      return "string";
  }
}

/**
 * A zod expression validating a field's value as the server does (blank allowed unless required).
 * @param {Field} f
 */
function zodOf(f) {
  const blankOr = (/** @type {string} */ s) => (f.required ? s : `z.union([z.literal(""), ${s}])`);
  switch (f.type) {
    case "number": {
      let s = "z.number()";
      if (f.onlyInt) s += ".int()";
      if (typeof f.min === "number") s += `.min(${f.min})`;
      if (typeof f.max === "number") s += `.max(${f.max})`;
      return f.required ? `${s}.refine((v) => v !== 0, "Cannot be blank.")` : s;
    }
    case "bool":
      return f.required ? "z.literal(true)" : "z.boolean()";
    case "json":
      return "z.unknown()";
    case "geoPoint":
      return "z.object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) })";
    case "email":
      return blankOr("z.email()");
    case "url":
      return blankOr("z.url()");
    case "date":
      return blankOr("z.string().regex(DATE)");
    case "select": {
      const values = `z.enum([${(f.values ?? []).map(quote).join(", ")}])`;
      if (!isMulti(f)) return blankOr(values);
      return `z.array(${values}).max(${f.maxSelect})${f.required ? ".min(1)" : ""}`;
    }
    case "relation": {
      if (!isMulti(f)) return blankOr("z.string().regex(RECORD_ID)");
      const min = Math.max(f.minSelect ?? 0, f.required ? 1 : 0);
      return `z.array(z.string().regex(RECORD_ID)).max(${f.maxSelect})${min > 0 ? `.min(${min})` : ""}`;
    }
    case "password":
      return `z.string().min(${f.min ?? 8}).max(${f.max || 71})`;
    default: {
      let s = "z.string()";
      if (f.max > 0) s += `.max(${f.max})`;
      const checks = [];
      if (f.min > 0) checks.push(`[...v].length >= ${f.min}`);
      if (f.pattern) checks.push(`new RegExp(${quote(f.pattern)}).test(v)`);
      if (checks.length > 0) s += `.refine((v) => v === "" || (${checks.join(" && ")}), "Invalid value.")`;
      return f.required ? `${s}.refine((v) => v !== "", "Cannot be blank.")` : s;
    }
  }
}

/**
 * True when a create body may set the field (autodates are the server's; ids are optional).
 * @param {Collection} c
 * @param {Field} f
 */
function writable(c, f) {
  return f.type !== "autodate" && !(isAuth(c) && f.name === "tokenKey");
}

/**
 * True when a create body must carry the field.
 * @param {Collection} c
 * @param {Field} f
 */
function requiredOnCreate(c, f) {
  if (isAuth(c) && f.name === "password") return true;
  if (f.type === "text" && (f.primaryKey || f.autogeneratePattern)) return false;
  return f.required === true;
}

/**
 * Modifier keys of a field with their types (`views+`, `+tags`, `tags-`).
 * @param {Field} f
 * @returns {[string, string][]}
 */
function modifiers(f) {
  if (f.type === "number")
    return [
      [`${f.name}+`, "number"],
      [`${f.name}-`, "number"],
    ];
  if (!isMulti(f)) return [];
  const item = f.type === "select" ? (f.values ?? []).map(quote).join(" | ") : "RecordId";
  const type = `${item} | Array<${item}>`;
  return [
    [`+${f.name}`, type],
    [`${f.name}+`, type],
    [`${f.name}-`, type],
  ];
}

/**
 * The declarations of one collection.
 * @param {Collection} c
 * @param {Map<string, Collection>} byId
 */
function collectionTypes(c, byId) {
  const T = typeName(c.name);
  const v = valueName(c.name);
  /** @type {Field[]} */
  const fields = c.fields ?? [];
  const lines = [
    `// ${c.name} (${c.type ?? "base"})`,
    "",
    `/** A \`${c.name}\` record as the API returns it. */`,
  ];
  lines.push(`export interface ${T}Record {`);
  lines.push(`  collectionId: string;`, `  collectionName: ${quote(c.name)};`);
  for (const f of fields) {
    if (isSecret(c, f)) continue;
    // Hidden fields reach superusers only; an auth record's email only when visible to the caller.
    const optional = f.hidden || (isAuth(c) && f.name === "email");
    lines.push(`  ${key(f.name)}${optional ? "?" : ""}: ${tsType(f)};`);
  }
  lines.push(`  expand?: ${T}Expand;`, "}", "");
  lines.push(
    `/** Related records \`expand\` can add to a \`${c.name}\` record. */`,
    `export interface ${T}Expand {`,
  );
  for (const f of fields) {
    if (f.type !== "relation") continue;
    const target = byId.get(f.collectionId);
    const related = target ? `${typeName(target.name)}Record` : "BaseRecord";
    lines.push(`  ${key(f.name)}?: ${isMulti(f) ? `${related}[]` : related};`);
  }
  lines.push("}", "");
  if (c.type === "view") return lines.join("\n");

  const writableFields = fields.filter((f) => writable(c, f));
  /** @param {"create" | "update"} mode */
  const input = (mode) => {
    const out = [];
    for (const f of writableFields) {
      if (mode === "update" && f.type === "text" && f.primaryKey) continue;
      const required = mode === "create" && requiredOnCreate(c, f);
      const note = f.hidden && !(isAuth(c) && f.name === "password") ? "  /** Superusers only. */\n" : "";
      out.push(`${note}  ${key(f.name)}${required ? "" : "?"}: ${tsType(f)};`);
      for (const [name, type] of modifiers(f)) out.push(`  ${quote(name)}?: ${type};`);
    }
    if (isAuth(c)) {
      out.push(`  passwordConfirm${mode === "create" ? "" : "?"}: string;`);
      if (mode === "update") out.push("  oldPassword?: string;");
    }
    return out;
  };
  lines.push(
    `/** The body of a \`${c.name}\` create. */`,
    `export interface ${T}Create {`,
    ...input("create"),
    "}",
    "",
  );
  lines.push(
    `/** The body of a \`${c.name}\` update. */`,
    `export interface ${T}Update {`,
    ...input("update"),
    "}",
    "",
  );

  /** @param {"create" | "update"} mode */
  const shape = (mode) => {
    const out = [];
    for (const f of writableFields) {
      if (mode === "update" && f.type === "text" && f.primaryKey) continue;
      const required = mode === "create" && requiredOnCreate(c, f);
      out.push(`  ${key(f.name)}: ${zodOf(f)}${required ? "" : ".optional()"},`);
    }
    if (isAuth(c)) {
      out.push(`  passwordConfirm: z.string()${mode === "create" ? "" : ".optional()"},`);
      if (mode === "update") out.push("  oldPassword: z.string().optional(),");
    }
    return out;
  };
  lines.push(`/** Validates a \`${c.name}\` create body on the client (modifier keys are not covered). */`);
  lines.push(`export const ${v}CreateSchema = z.object({`, ...shape("create"), "});", "");
  lines.push(`/** Validates a \`${c.name}\` update body on the client (modifier keys are not covered). */`);
  lines.push(`export const ${v}UpdateSchema = z.object({`, ...shape("update"), "});", "");
  return lines.join("\n");
}

/**
 * The generated module's text.
 * @param {Collection[]} collections
 * @param {string} source where the schema came from (a file or a URL), for the header
 */
export function generateTypes(collections, source) {
  const sorted = [...collections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byId = new Map(sorted.map((c) => [c.id, c]));
  const out = [
    `// Generated by \`edgebase typegen\` from ${source}. Do not edit: run it again after a schema change.`,
    'import type PocketBase from "pocketbase";',
    'import type { RecordModel, RecordService } from "pocketbase";',
    'import { z } from "zod";',
    "",
    "/** A record id (15 characters `[a-z0-9]` when generated). */",
    "export type RecordId = string;",
    "",
    "/** What every record has. */",
    "export interface BaseRecord {",
    "  id: RecordId;",
    "  collectionId: string;",
    "  collectionName: string;",
    "}",
    "",
    "const DATE = /^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$/;",
    "const RECORD_ID = /^[A-Za-z0-9_-]{1,255}$/;",
    "",
  ];
  for (const c of sorted) out.push(collectionTypes(c, byId));
  out.push("/** Record types by collection name. */", "export interface CollectionRecords {");
  for (const c of sorted) out.push(`  ${key(c.name)}: ${typeName(c.name)}Record;`);
  out.push("}", "");
  out.push(
    "/** Create bodies by collection name (view collections are read-only). */",
    "export interface CollectionCreates {",
  );
  for (const c of sorted) if (c.type !== "view") out.push(`  ${key(c.name)}: ${typeName(c.name)}Create;`);
  out.push("}", "");
  out.push("/** Update bodies by collection name. */", "export interface CollectionUpdates {");
  for (const c of sorted) if (c.type !== "view") out.push(`  ${key(c.name)}: ${typeName(c.name)}Update;`);
  out.push("}", "");
  out.push(
    '/** The pocketbase SDK client with typed collections: `pb.collection("posts").getList()` returns typed records. */',
    'export type TypedPocketBase = Omit<PocketBase, "collection"> & {',
    "  collection<K extends keyof CollectionRecords>(idOrName: K): RecordService<CollectionRecords[K]>;",
    "  collection(idOrName: string): RecordService<RecordModel>;",
    "};",
    "",
  );
  return out.join("\n");
}
