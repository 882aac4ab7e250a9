/** JSON Schema of one field's value, from the field type's zod validator plus the options refinements hold. */
import { z } from "zod";
import { type Field, fieldTypeOf } from "../collections/fields";
import type { JsonSchema } from "./types";

/**
 * The zod validator's JSON Schema (input side: the value a client sends and the API returns after decoding).
 * Refinements (length, pattern, bounds, choices) are opaque functions to zod, so {@link fieldSchema} adds the
 * constraints from the field's options; the validator stays the one authority on what is accepted.
 */
function zodSchema(field: Field): JsonSchema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(fieldTypeOf(field).valueSchema(field), {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return schema;
}

/** The constraints a field's options put on a single value (what the refinements check). */
function constraints(field: Field): JsonSchema {
  switch (field.type) {
    case "text":
      return {
        ...(field.max > 0 ? { maxLength: field.max } : {}),
        ...(field.pattern ? { description: `Pattern: ${field.pattern} (or empty).` } : {}),
      };
    case "number":
      return {
        ...(field.onlyInt ? { type: "integer" } : {}),
        ...(field.min !== null ? { minimum: field.min } : {}),
        ...(field.max !== null ? { maximum: field.max } : {}),
      };
    case "email":
      return { description: "An email address, or empty." };
    case "url":
      return { description: "A URL, or empty." };
    case "date":
    case "autodate":
      return {
        description: "UTC `YYYY-MM-DD HH:MM:SS.sssZ`, or empty.",
        examples: ["2026-01-31 12:00:00.000Z"],
      };
    case "editor":
      return { description: "HTML." };
    default:
      return {};
  }
}

/** The choices of a select item (the empty string stands for "none" on single selects). */
function selectItem(field: Extract<Field, { type: "select" }>, single: boolean): JsonSchema {
  return { type: "string", enum: single ? ["", ...field.values] : [...field.values] };
}

/** JSON Schema of a field's value as the API accepts and returns it. */
export function fieldSchema(field: Field): JsonSchema {
  const base = zodSchema(field);
  if (field.type === "select") {
    return field.maxSelect > 1
      ? { ...base, type: "array", items: selectItem(field, false), maxItems: field.maxSelect }
      : { ...base, ...selectItem(field, true) };
  }
  if (field.type === "relation") {
    const collection = `Ids of records of collection ${field.collectionId}.`;
    return field.maxSelect > 1
      ? {
          ...base,
          type: "array",
          items: { type: "string" },
          maxItems: field.maxSelect,
          description: collection,
        }
      : {
          ...base,
          type: "string",
          description: `Id of a record of collection ${field.collectionId}, or empty.`,
        };
  }
  if (field.type === "file") {
    const description = "Stored file names; files are sent as multipart/form-data parts.";
    return field.maxSelect > 1
      ? { ...base, type: "array", items: { type: "string" }, maxItems: field.maxSelect, description }
      : { ...base, type: "string", description };
  }
  if (field.type === "json") return { description: "Any JSON value (null when unset)." };
  return { ...base, ...constraints(field) };
}
