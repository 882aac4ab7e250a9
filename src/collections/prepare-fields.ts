/** Validates and normalizes a submitted field list: types, ids, system fields, names and relation targets. */
import type { Collection, CollectionType } from "./collection";
import { conversionProblem } from "./convert";
import type { ValidationErrors } from "./errors";
import { type Field, fieldTypeOf, isFieldTypeName, UNSUPPORTED_FIELD_TYPES } from "./fields";
import { isReservedFieldName, NAME_PATTERN } from "./names";
import { fieldIdFor, systemFieldsOf, timestampFields } from "./system-fields";

const FIELD_ID = /^\w{1,100}$/;

/** What field preparation needs to know about the collection and its neighbours. */
export interface FieldContext {
  type: CollectionType;
  existing: Collection | undefined;
  /** Whether to add the default created/updated fields when absent. */
  addTimestamps: boolean;
  /** Resolves a relation target (id or name, this collection included) to its id. */
  resolveCollectionId: (idOrName: string) => string | undefined;
}

/** Parses every field, reporting errors at `fields.N.*`; returns the normalized list (system fields ensured). */
export function prepareFields(
  raw: Record<string, unknown>[],
  ctx: FieldContext,
  errors: ValidationErrors,
): Field[] {
  const existingFields = ctx.existing?.fields ?? [];
  const parsed: (Field | undefined)[] = raw.map((input, i) =>
    parseField(
      input,
      i,
      existingFields.find((f) => f.id === input.id && f.type !== input.type),
      errors,
    ),
  );
  const fields: Field[] = [];
  const usedIds = new Set<string>();
  parsed.forEach((field, i) => {
    if (!field) return;
    if (field.id === "") {
      const byName = existingFields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
      field.id = byName && !usedIds.has(byName.id) ? byName.id : uniqueId(field, usedIds, existingFields);
    } else if (!FIELD_ID.test(field.id)) {
      errors.add(`fields.${i}.id`, "validation_invalid_value", "Invalid field id.");
    } else if (usedIds.has(field.id)) {
      errors.add(`fields.${i}.id`, "validation_duplicated_field_id", "Duplicated field id.");
    }
    usedIds.add(field.id);
    fields.push(field);
  });
  if (!errors.empty) return fields;
  const { list, sourceIndex } = ensureSystemFields(fields, ctx, errors);
  checkFields(list, sourceIndex, ctx, errors);
  return list;
}

/**
 * Parses one field definition. `retyped` is the stored field when the submission changes its type: options it
 * carried over unchanged from the old type (a number's `min: null` on a field turned into text) are dropped
 * when the new type rejects them, so a type change needs no clean-up by the client.
 */
function parseField(
  input: Record<string, unknown>,
  i: number,
  retyped: Field | undefined,
  errors: ValidationErrors,
): Field | undefined {
  const type = input.type;
  if (typeof type === "string" && Object.hasOwn(UNSUPPORTED_FIELD_TYPES, type)) {
    errors.add(
      `fields.${i}.type`,
      "validation_field_type_not_supported",
      UNSUPPORTED_FIELD_TYPES[type] as string,
    );
    return undefined;
  }
  if (!isFieldTypeName(type)) {
    errors.add(`fields.${i}.type`, "validation_invalid_field_type", `Unknown field type "${String(type)}".`);
    return undefined;
  }
  const schema = fieldTypeOf({ type } as Field).schema;
  let result = schema.safeParse(input);
  if (!result.success && retyped) {
    const stale = new Set(
      result.error.issues
        .map((issue) => String(issue.path[0]))
        .filter(
          (key) =>
            Object.hasOwn(retyped, key) && Object.is((retyped as Record<string, unknown>)[key], input[key]),
        ),
    );
    if (stale.size > 0)
      result = schema.safeParse(Object.fromEntries(Object.entries(input).filter(([k]) => !stale.has(k))));
  }
  if (!result.success) {
    errors.addIssues(result.error.issues, `fields.${i}`);
    return undefined;
  }
  return result.data;
}

function uniqueId(field: Field, used: Set<string>, existing: readonly Field[]): string {
  const taken = (id: string) => used.has(id) || existing.some((f) => f.id === id);
  let id = fieldIdFor(field.type, field.name);
  for (let salt = 1; taken(id); salt++) id = fieldIdFor(field.type, field.name, String(salt));
  return id;
}

/** Puts back missing system fields, keeps their identity, and marks every other field non-system. */
function ensureSystemFields(
  fields: Field[],
  ctx: FieldContext,
  errors: ValidationErrors,
): { list: Field[]; sourceIndex: Map<Field, number> } {
  const defaults = systemFieldsOf(ctx.type);
  // A system collection's own system fields (e.g. `_externalAuths.provider`) are kept like the built-in ones.
  if (ctx.existing?.system) {
    for (const f of ctx.existing.fields) {
      if (f.system && !defaults.some((d) => d.id === f.id)) defaults.push(f);
    }
  }
  const out = fields.map((f) => ({ ...f, system: false }) as Field);
  const missing: Field[] = [];
  for (const def of defaults) {
    const i = out.findIndex((f) => f.id === def.id || f.name.toLowerCase() === def.name.toLowerCase());
    const found = out[i];
    if (!found) {
      missing.push(def);
      continue;
    }
    if (found.name !== def.name) {
      errors.add(`fields.${i}.name`, "validation_system_field_change", "System fields cannot be renamed.");
    } else if (found.type !== def.type) {
      errors.add(`fields.${i}.type`, "validation_system_field_change", "System fields cannot change type.");
    }
    out[i] = {
      ...found,
      id: def.id,
      system: true,
      // Hidden system fields (password hash, tokenKey) stay hidden whatever the client sends.
      hidden: def.hidden || found.hidden,
      ...(def.type === "text" && def.name === "id" ? { primaryKey: true } : {}),
    } as Field;
  }
  if (ctx.addTimestamps && ctx.type !== "view") {
    for (const def of timestampFields()) {
      if (!out.some((f) => f.name.toLowerCase() === def.name)) out.push(def);
    }
  }
  const sourceIndex = new Map(out.slice(0, fields.length).map((f, i) => [f, i]));
  // Missing system fields go first, in their default order (id leads every table).
  return { list: [...missing, ...out], sourceIndex };
}

/** Checks names, types and relation targets; errors point at the submitted position (`sourceIndex`). */
function checkFields(
  fields: Field[],
  sourceIndex: Map<Field, number>,
  ctx: FieldContext,
  errors: ValidationErrors,
): void {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const path = `fields.${sourceIndex.get(f) ?? i}`;
    const lower = f.name.toLowerCase();
    if (!NAME_PATTERN.test(f.name)) {
      errors.add(
        `${path}.name`,
        "validation_invalid_name",
        "Names may contain only letters, digits and _, and not start with a digit.",
      );
    } else if (!f.system && isReservedFieldName(f.name, ctx.type)) {
      errors.add(`${path}.name`, "validation_reserved_name", `The name "${f.name}" is reserved.`);
    } else if (seen.has(lower)) {
      errors.add(`${path}.name`, "validation_duplicated_name", `Duplicated field name "${f.name}".`);
    }
    seen.add(lower);
    if (f.type === "text" && f.primaryKey && !(f.system && f.name === "id")) {
      errors.add(`${path}.primaryKey`, "validation_invalid_value", "Only the id field is the primary key.");
    }
    if (f.type === "password" && ctx.type !== "auth") {
      errors.add(
        `${path}.type`,
        "validation_invalid_field_type",
        "Password fields belong to auth collections.",
      );
    }
    const before = ctx.existing?.fields.find((x) => x.id === f.id);
    const problem = before && ctx.type !== "view" ? conversionProblem(before, f) : undefined;
    if (problem) errors.add(`${path}.type`, "validation_field_type_change", problem);
    if (f.type === "relation") {
      const target = ctx.resolveCollectionId(f.collectionId);
      if (target === undefined) {
        errors.add(
          `${path}.collectionId`,
          "validation_missing_rel_collection",
          `Collection "${f.collectionId}" does not exist.`,
        );
      } else {
        f.collectionId = target;
      }
      if (f.minSelect > Math.max(f.maxSelect, 1)) {
        errors.add(`${path}.minSelect`, "validation_invalid_value", "minSelect cannot exceed maxSelect.");
      }
    }
  });
}
