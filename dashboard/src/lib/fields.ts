/** Field types the collection editor offers, their default options, and list edits (pure; unit-tested). */

/** A field as the collections API takes it (type-specific options are extra keys). */
export interface EditableField {
  id?: string;
  name: string;
  type: string;
  required?: boolean;
  hidden?: boolean;
  system?: boolean;
  [option: string]: unknown;
}

/** The field types, in the order the editor lists them, with a label and each type's option defaults. */
export const FIELD_TYPES: { type: string; label: string; defaults: Record<string, unknown> }[] = [
  { type: "text", label: "Plain text", defaults: { min: 0, max: 0, pattern: "" } },
  { type: "editor", label: "Rich editor", defaults: { maxSize: 0 } },
  { type: "number", label: "Number", defaults: { min: null, max: null, onlyInt: false } },
  { type: "bool", label: "Bool", defaults: {} },
  { type: "email", label: "Email", defaults: { exceptDomains: [], onlyDomains: [] } },
  { type: "url", label: "URL", defaults: { exceptDomains: [], onlyDomains: [] } },
  { type: "date", label: "Datetime", defaults: { min: "", max: "" } },
  { type: "autodate", label: "Autodate", defaults: { onCreate: true, onUpdate: false } },
  { type: "select", label: "Select", defaults: { values: [], maxSelect: 1 } },
  { type: "json", label: "JSON", defaults: { maxSize: 0 } },
  { type: "relation", label: "Relation", defaults: { collectionId: "", maxSelect: 1, cascadeDelete: false } },
  { type: "geoPoint", label: "Geo point", defaults: {} },
  {
    type: "file",
    label: "File",
    defaults: { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false },
  },
];

/** Per type, the options whose API messages the editor shows at their own control (the rest go below the field). */
export const OPTIONS_WITH_CONTROLS: Record<string, string[]> = {
  file: ["maxSelect", "maxSize", "mimeTypes", "thumbs", "protected"],
};

/**
 * The API's messages about field `index`, keyed by option: `fields.2.thumbs.1` becomes `thumbs`, naming the
 * list item (`item 2: …`) since a list option has one control. The first message per option wins.
 */
export function optionErrors(errors: Record<string, string>, index: number): Record<string, string> {
  const prefix = `fields.${index}.`;
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (!path.startsWith(prefix)) continue;
    const [option = "", item] = path.slice(prefix.length).split(".");
    if (option in out) continue;
    out[option] = item !== undefined && /^\d+$/.test(item) ? `item ${Number(item) + 1}: ${message}` : message;
  }
  return out;
}

/** A new field of `type` with its defaults and a name not yet used in `existing`. */
export function newField(type: string, existing: EditableField[]): EditableField {
  const defaults = FIELD_TYPES.find((t) => t.type === type)?.defaults ?? {};
  let n = existing.length + 1;
  while (existing.some((f) => f.name === `field${n}`)) n++;
  return { name: `field${n}`, type, required: false, hidden: false, ...structuredClone(defaults) };
}

/** Changes a field's type, keeping its id and name (the API then converts the column) and resetting options. */
export function retype(field: EditableField, type: string): EditableField {
  const defaults = FIELD_TYPES.find((t) => t.type === type)?.defaults ?? {};
  const { id, name, required, hidden } = field;
  return { ...(id ? { id } : {}), name, type, required, hidden, ...structuredClone(defaults) };
}

/** `list` with the item at `from` moved to `to` (both clamped); the other items keep their order. */
export function move<T>(list: T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length) return list.slice();
  const target = Math.max(0, Math.min(list.length - 1, to));
  const copy = list.slice();
  const [item] = copy.splice(from, 1) as [T];
  copy.splice(target, 0, item);
  return copy;
}

/** Parses a comma- or newline-separated list (select values, domains), trimmed, without blanks. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
