/** Turns a submitted collection (create, patch or import) into a validated definition, errors by path. */

import type { D1Like } from "../db/sql";
import { newId } from "../lib/ids";
import { generateTokenSecret } from "../lib/secrets";
import {
  type Collection,
  type CollectionInput,
  collectionInputSchema,
  toPublicCollection,
} from "./collection";
import { indexName } from "./ddl";
import { ValidationErrors } from "./errors";
import type { Field } from "./fields";
import { isReservedCollectionName, NAME_PATTERN } from "./names";
import { prepareOAuth2 } from "./oauth2-options";
import { prepareFields } from "./prepare-fields";
import { prepareIndexes } from "./prepare-indexes";
import { checkRules } from "./rules-check";
import { prepareViewFields } from "./view-fields";
import { normalizeViewQuery } from "./view-query";

/** Where a collection is being saved. */
export interface PrepareContext {
  /** The stored definition being replaced (undefined on create). */
  existing: Collection | undefined;
  /** Every other collection as it will be after this change. */
  others: readonly Collection[];
  /** The timestamp for created/updated. */
  now: string;
  /** Whether to check rules (default true; an import's first pass skips them). */
  checkRules?: boolean;
  /**
   * Add the default created/updated fields when the submission has no field of that name. Default: only on
   * create. Imports always do, so re-importing a definition that omits them changes nothing.
   */
  addTimestamps?: boolean;
}

/**
 * Validates `raw` (merged over `existing` for a patch) and returns the definition to store. Throws a 400 with
 * every problem at its path (`name`, `fields.2.name`, `indexes.0`, `listRule`, …).
 */
export async function prepareCollection(db: D1Like, raw: unknown, ctx: PrepareContext): Promise<Collection> {
  const errors = new ValidationErrors();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    errors.add("data", "validation_invalid_value", "A collection must be a JSON object.");
    errors.throwIfAny();
  }
  const body = raw as Record<string, unknown>;
  const { existing } = ctx;
  if (existing && body.type !== undefined && body.type !== existing.type) {
    errors.add("type", "validation_collection_type_change", "The collection type cannot be changed.");
  }
  const merged = existing
    ? { ...toPublicCollection(existing), ...body, type: existing.type }
    : { type: "base", ...body };
  const parsed = collectionInputSchema.safeParse(merged);
  if (!parsed.success) errors.addIssues(parsed.error.issues);
  errors.throwIfAny();
  const input = parsed.data as CollectionInput;

  const id = existing?.id ?? input.id ?? newId();
  if (!existing && ctx.others.some((c) => c.id === id)) {
    errors.add("id", "validation_collection_id_exists", "The id is already in use.");
  }
  checkName(input.name, ctx, errors);

  const system = existing?.system ?? false;
  let fields: Field[];
  if (input.type === "view") {
    fields = await prepareViewFields(db, input.viewQuery, { others: ctx.others, existing }, errors);
  } else {
    fields = prepareFields(
      input.fields,
      {
        type: input.type,
        existing,
        addTimestamps: ctx.addTimestamps ?? !existing,
        resolveCollectionId: resolver(id, input.name, ctx),
      },
      errors,
    );
  }
  errors.throwIfAny();

  if (input.type === "view" && input.indexes.length > 0) {
    errors.add("indexes", "validation_invalid_value", "Views cannot have indexes.");
  }
  const indexes =
    input.type === "view"
      ? []
      : prepareIndexes(
          input.indexes,
          {
            id,
            name: input.name,
            oldName: existing?.name,
            isAuth: input.type === "auth",
            fields,
            oldFields: existing?.fields ?? [],
            others: ctx.others,
          },
          errors,
        );
  const collection = {
    ...input,
    id,
    system,
    fields,
    indexes,
    created: existing?.created ?? ctx.now,
    updated: ctx.now,
    ...(input.type === "view" ? { viewQuery: normalizeViewQuery(input.viewQuery) } : {}),
    ...(input.type === "auth"
      ? { tokenSecret: existing?.type === "auth" ? existing.tokenSecret : generateTokenSecret() }
      : {}),
  } as Collection;
  if (collection.type === "auth") {
    collection.oauth2 = prepareOAuth2(
      collection.oauth2,
      existing?.type === "auth" ? existing.oauth2 : undefined,
      fields.map((f) => f.name),
      errors,
    );
    collection.passwordAuth.identityFields.forEach((name, i) => {
      if (!fields.some((f) => f.name === name)) {
        errors.add(
          `passwordAuth.identityFields.${i}`,
          "validation_invalid_value",
          `Unknown field "${name}".`,
        );
      }
    });
  }
  if (ctx.checkRules !== false) checkRules(collection, ctx.others, errors);
  errors.throwIfAny();
  return collection;
}

function checkName(name: string, ctx: PrepareContext, errors: ValidationErrors): void {
  const { existing } = ctx;
  if (existing?.system && name !== existing.name) {
    errors.add("name", "validation_system_collection_change", "System collections cannot be renamed.");
  } else if (!NAME_PATTERN.test(name)) {
    errors.add(
      "name",
      "validation_invalid_name",
      "Names may contain only letters, digits and _, and not start with a digit.",
    );
  } else if (!existing?.system && isReservedCollectionName(name)) {
    errors.add("name", "validation_reserved_name", `The name "${name}" is reserved for system collections.`);
  } else if (ctx.others.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
    errors.add("name", "validation_collection_name_exists", "A collection with this name already exists.");
  } else if (
    ctx.others.some((c) => c.indexes.some((sql) => indexName(sql).toLowerCase() === name.toLowerCase()))
  ) {
    // Tables and indexes share SQLite's one namespace.
    errors.add("name", "validation_collection_name_exists", "An index with this name already exists.");
  }
}

function resolver(id: string, name: string, ctx: PrepareContext) {
  return (idOrName: string): string | undefined => {
    if (idOrName === id || idOrName.toLowerCase() === name.toLowerCase()) return id;
    const byId = ctx.others.find((c) => c.id === idOrName);
    return (byId ?? ctx.others.find((c) => c.name.toLowerCase() === idOrName.toLowerCase()))?.id;
  };
}
