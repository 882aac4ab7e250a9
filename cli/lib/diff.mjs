/** What `schema push` would change: collections, fields, renames, rules, indexes, and the data at risk. */

/**
 * @typedef {Record<string, any>} Collection
 * @typedef {{ kind: "create" | "delete" | "rename" | "field" | "rule" | "index" | "option", collection: string,
 *   text: string, atRisk?: number }} Change
 * @typedef {(collection: string, filter: string) => Promise<number>} CountRecords
 */

const RULES = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule"];
/** Collection keys compared one by one elsewhere, or not part of a definition. */
const STRUCTURAL = new Set([
  "id",
  "name",
  "type",
  "system",
  "fields",
  "indexes",
  "created",
  "updated",
  ...RULES,
]);

/**
 * Finds `item`'s counterpart in `list`: same id, else same name (case-insensitive), as the import engine does.
 * @template {{ id?: unknown, name?: unknown }} T
 * @param {T[]} list
 * @param {{ id?: unknown, name?: unknown }} item
 */
function counterpart(list, item) {
  const byId = item.id ? list.find((x) => x.id === item.id) : undefined;
  return byId ?? list.find((x) => String(x.name).toLowerCase() === String(item.name).toLowerCase());
}

/**
 * An index statement without quoting and spacing differences (the server stores identifiers quoted).
 * @param {string} sql
 */
const indexKey = (sql) =>
  sql
    .replace(/[`"[\]]/g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1")
    .trim();

const same = (/** @type {unknown} */ a, /** @type {unknown} */ b) => JSON.stringify(a) === JSON.stringify(b);
const show = (/** @type {unknown} */ v) => (v === null ? "null (superusers only)" : JSON.stringify(v));

/**
 * Records that a schema change would lose: all of a table's, or those holding a non-zero value in a field.
 * @param {CountRecords} count
 * @param {string} collection
 * @param {string} [field]
 */
async function atRisk(count, collection, field) {
  // `field != ""` matches every non-zero value whatever the type (API.md: `x = ""` matches zero values).
  return count(collection, field ? `${field} != ""` : "");
}

/**
 * The changes from `current` (the server) to `desired` (the file). Options absent from a desired definition
 * are not compared: the server fills defaults, and a file need not spell them out.
 * @param {Collection[]} desired
 * @param {Collection[]} current
 * @param {CountRecords} count counts a collection's records matching a filter ("" = all)
 * @returns {Promise<Change[]>}
 */
export async function diffSchemas(desired, current, count) {
  /** @type {Change[]} */
  const changes = [];
  const matched = new Set();
  for (const want of desired) {
    const have = counterpart(current, want);
    if (!have) {
      changes.push({
        kind: "create",
        collection: want.name,
        text: `+ collection ${want.name} (${want.type ?? "base"})`,
      });
      continue;
    }
    matched.add(have);
    changes.push(...(await diffCollection(want, have, count)));
  }
  for (const have of current) {
    if (matched.has(have) || have.system) continue;
    const risk = have.type === "view" ? 0 : await atRisk(count, have.name);
    changes.push({ kind: "delete", collection: have.name, text: `- collection ${have.name}`, atRisk: risk });
  }
  return changes;
}

/**
 * @param {Collection} want
 * @param {Collection} have
 * @param {CountRecords} count
 * @returns {Promise<Change[]>}
 */
async function diffCollection(want, have, count) {
  /** @type {Change[]} */
  const out = [];
  const name = want.name;
  const add = (/** @type {Change["kind"]} */ kind, /** @type {string} */ text, atRisk = 0) =>
    out.push({ kind, collection: name, text, ...(atRisk ? { atRisk } : {}) });
  if (have.name !== want.name) add("rename", `~ collection ${have.name} → ${want.name}`);
  if (want.type && want.type !== have.type) add("option", `~ ${name}: type ${have.type} → ${want.type}`);
  const tableData = have.type !== "view";

  /** @type {Collection[]} */
  const haveFields = have.fields ?? [];
  /** @type {Collection[]} */
  const wantFields = want.fields ?? [];
  const kept = new Set();
  for (const field of wantFields) {
    const old = counterpart(haveFields, field);
    if (!old) {
      add("field", `+ field ${name}.${field.name} (${field.type})`);
      continue;
    }
    kept.add(old);
    if (old.name !== field.name)
      add("field", `~ field ${name}.${old.name} → ${field.name} (renamed, data kept)`);
    if (field.type && field.type !== old.type) {
      const risk = tableData ? await atRisk(count, have.name, old.name) : 0;
      add(
        "field",
        `~ field ${name}.${field.name}: type ${old.type} → ${field.type} (values are not converted)`,
        risk,
      );
    }
    const options = Object.keys(field).filter(
      (k) => !["id", "name", "type"].includes(k) && !same(field[k], old[k]),
    );
    if (options.length > 0) {
      add(
        "field",
        `~ field ${name}.${field.name}: ${options.map((k) => `${k} ${show(old[k])} → ${show(field[k])}`).join(", ")}`,
      );
    }
  }
  for (const old of haveFields) {
    if (kept.has(old) || old.system) continue;
    const risk = tableData ? await atRisk(count, have.name, old.name) : 0;
    add("field", `- field ${name}.${old.name} (${old.type})`, risk);
  }

  for (const rule of RULES) {
    if (rule in want && !same(want[rule], have[rule]))
      add("rule", `~ ${name}.${rule}: ${show(have[rule])} → ${show(want[rule])}`);
  }
  const wantIndexes = new Map((want.indexes ?? []).map((/** @type {string} */ i) => [indexKey(i), i]));
  const haveIndexes = new Map((have.indexes ?? []).map((/** @type {string} */ i) => [indexKey(i), i]));
  for (const [k, index] of wantIndexes) if (!haveIndexes.has(k)) add("index", `+ index ${name}: ${index}`);
  for (const [k, index] of haveIndexes) if (!wantIndexes.has(k)) add("index", `- index ${name}: ${index}`);
  for (const key of Object.keys(want)) {
    if (STRUCTURAL.has(key) || same(want[key], have[key])) continue;
    add("option", `~ ${name}.${key}: ${show(have[key])} → ${show(want[key])}`);
  }
  return out;
}

/**
 * The diff as lines for a terminal, ending with the data at risk.
 * @param {Change[]} changes
 */
export function formatDiff(changes) {
  if (changes.length === 0) return "No changes: the server matches the schema file.";
  const lines = changes.map((c) =>
    c.atRisk ? `${c.text}   ⚠ ${c.atRisk} record(s) hold data here` : c.text,
  );
  const risk = totalAtRisk(changes);
  lines.push("", risk > 0 ? `Data at risk: ${risk} record value(s) would be lost.` : "No data at risk.");
  return lines.join("\n");
}

/**
 * How many record values the changes would lose.
 * @param {Change[]} changes
 */
export function totalAtRisk(changes) {
  return changes.reduce((n, c) => n + (c.atRisk ?? 0), 0);
}
