/** The system fields each collection type carries, and deterministic field ids. */
import { fnv1a32 } from "../lib/bytes";
import type { Field, TextField } from "./fields";

/** A short, stable field id from its type and name (PocketBase derives them the same way). */
export function fieldIdFor(type: string, name: string, salt = ""): string {
  return `${type}${fnv1a32(`${name}${salt}`)}`;
}

const common = { system: true, hidden: false, presentable: false };

/** The primary key every base and auth collection has. */
export function idField(): TextField {
  return {
    ...common,
    id: fieldIdFor("text", "id"),
    name: "id",
    type: "text",
    required: true,
    min: 15,
    max: 15,
    pattern: "^[a-z0-9]+$",
    autogeneratePattern: "[a-z0-9]{15}",
    primaryKey: true,
  };
}

/** The default `created`/`updated` autodate fields (not system: a collection may drop them). */
export function timestampFields(): Field[] {
  return [
    {
      ...common,
      system: false,
      id: fieldIdFor("autodate", "created"),
      name: "created",
      type: "autodate",
      onCreate: true,
      onUpdate: false,
    },
    {
      ...common,
      system: false,
      id: fieldIdFor("autodate", "updated"),
      name: "updated",
      type: "autodate",
      onCreate: true,
      onUpdate: true,
    },
  ];
}

/** The system fields of an auth collection, after `id`. */
export function authFields(): Field[] {
  return [
    {
      ...common,
      hidden: true,
      id: fieldIdFor("password", "password"),
      name: "password",
      type: "password",
      required: true,
      min: 8,
      max: 71,
      pattern: "",
      cost: 0,
    },
    {
      ...common,
      hidden: true,
      id: fieldIdFor("text", "tokenKey"),
      name: "tokenKey",
      type: "text",
      required: true,
      min: 30,
      max: 60,
      pattern: "",
      autogeneratePattern: "[a-zA-Z0-9]{50}",
      primaryKey: false,
    },
    {
      ...common,
      id: fieldIdFor("email", "email"),
      name: "email",
      type: "email",
      required: true,
      exceptDomains: [],
      onlyDomains: [],
    },
    {
      ...common,
      id: fieldIdFor("bool", "emailVisibility"),
      name: "emailVisibility",
      type: "bool",
      required: false,
    },
    { ...common, id: fieldIdFor("bool", "verified"), name: "verified", type: "bool", required: false },
  ];
}

/** The system fields a collection of `type` must have, in their default order. */
export function systemFieldsOf(type: "base" | "auth" | "view"): Field[] {
  if (type === "view") return [];
  return type === "auth" ? [idField(), ...authFields()] : [idField()];
}
