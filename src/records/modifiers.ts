/** Body keys to fields: plain names, and the `f+` / `+f` / `f-` modifiers where they mean something. */
import type { Collection } from "../collections/collection";
import { type Field, isMultiValued } from "../collections/fields";
import type { FieldError } from "../lib/errors";

/** How a body key applies to its field. */
export type KeyMode = "set" | "prepend" | "append" | "remove" | "add" | "subtract";

/** What a body key means: the field and how the value applies. */
export interface KeyTarget {
  field: Field;
  mode: KeyMode;
}

/** The error of a modifier on a field it means nothing for (single text, single select, bool, email, json…). */
export const INVALID_MODIFIER: FieldError = {
  code: "validation_invalid_modifier",
  message:
    "The + and - modifiers only apply to number and file fields and multi-valued select and relation fields.",
};

function modeFor(field: Field, key: string): KeyMode | undefined {
  // File fields take the list modifiers even when single: `avatar-` removes the file, `avatar+` replaces it.
  const list = isMultiValued(field) || field.type === "file";
  if (key.startsWith("+")) return list ? "prepend" : undefined;
  const add = key.endsWith("+");
  if (field.type === "number") return add ? "add" : "subtract";
  if (list) return add ? "append" : "remove";
  return undefined;
}

/**
 * Resolves a body key: the field it names and its mode, a field error when it is a modifier of a field that
 * takes none, or undefined when it names no field at all.
 */
export function parseKey(collection: Collection, key: string): KeyTarget | FieldError | undefined {
  const find = (name: string) => collection.fields.find((f) => f.name === name);
  const exact = find(key);
  if (exact) return { field: exact, mode: "set" };
  const name = key.startsWith("+")
    ? key.slice(1)
    : key.endsWith("+") || key.endsWith("-")
      ? key.slice(0, -1)
      : "";
  const field = name ? find(name) : undefined;
  if (!field) return undefined;
  const mode = modeFor(field, key);
  return mode ? { field, mode } : INVALID_MODIFIER;
}

/** True when `key` is a modifier key rather than a field name. */
export function isModifierKey(collection: Collection, key: string): boolean {
  const target = parseKey(collection, key);
  return target !== undefined && (!("field" in target) || target.mode !== "set");
}
