/** The field-type registry: every supported type by name, the Field union, and per-field codec helpers. */
import { z } from "zod";
import type { ErrorData, FieldError } from "../../lib/errors";
import { type AutodateField, autodateField } from "./autodate";
import { type BoolField, boolField } from "./bool";
import { type DateField, dateField } from "./date";
import { type EditorField, editorField } from "./editor";
import { type EmailField, emailField } from "./email";
import type { FieldBase, FieldType, SqlValue } from "./field-type";
import { type FileField, fileField } from "./file";
import { type GeoPointField, geoPointField } from "./geo-point";
import { type JsonField, jsonField } from "./json";
import { type NumberField, numberField } from "./number";
import { type PasswordField, passwordField } from "./password";
import { type RelationField, relationField } from "./relation";
import { type SelectField, selectField } from "./select";
import { type TextField, textField } from "./text";
import { type UrlField, urlField } from "./url";

export type {
  AutodateField,
  BoolField,
  DateField,
  EditorField,
  EmailField,
  FieldBase,
  FieldType,
  FileField,
  GeoPointField,
  JsonField,
  NumberField,
  PasswordField,
  RelationField,
  SelectField,
  SqlValue,
  TextField,
  UrlField,
};

/** Any field definition, discriminated by `type`. */
export type Field =
  | TextField
  | NumberField
  | BoolField
  | EmailField
  | UrlField
  | EditorField
  | DateField
  | AutodateField
  | SelectField
  | RelationField
  | JsonField
  | PasswordField
  | GeoPointField
  | FileField;

/** Every supported field type name. */
export type FieldTypeName = Field["type"];

/** Field types by name. */
export const FIELD_TYPES: { readonly [K in FieldTypeName]: FieldType<Extract<Field, { type: K }>> } = {
  text: textField,
  number: numberField,
  bool: boolField,
  email: emailField,
  url: urlField,
  editor: editorField,
  date: dateField,
  autodate: autodateField,
  select: selectField,
  relation: relationField,
  json: jsonField,
  password: passwordField,
  geoPoint: geoPointField,
  file: fileField,
};

/** Types PocketBase has that Edgebase does not support yet, with the reason given to clients. */
export const UNSUPPORTED_FIELD_TYPES: Readonly<Record<string, string>> = {};

/** True when `type` names a supported field type. */
export function isFieldTypeName(type: unknown): type is FieldTypeName {
  return typeof type === "string" && Object.hasOwn(FIELD_TYPES, type);
}

/** The type module of a field definition. */
export function fieldTypeOf<F extends Field>(field: F): FieldType<F> {
  return FIELD_TYPES[field.type] as unknown as FieldType<F>;
}

/** Zod schema of any stored field definition. */
export const fieldSchema = z.discriminatedUnion("type", [
  textField.schema,
  numberField.schema,
  boolField.schema,
  emailField.schema,
  urlField.schema,
  editorField.schema,
  dateField.schema,
  autodateField.schema,
  selectField.schema,
  relationField.schema,
  jsonField.schema,
  passwordField.schema,
  geoPointField.schema,
  fileField.schema,
] as unknown as Parameters<typeof z.discriminatedUnion>[1]) as unknown as z.ZodType<Field>;

/** The column definition of a field (after its name). */
export function columnOf(field: Field): string {
  return fieldTypeOf(field).column(field);
}

/** True when the field stores a JSON array. */
export function isMultiValued(field: Field): boolean {
  return fieldTypeOf(field).isMulti(field);
}

/** The zero value of a field (what an unset field reads as). */
export function zeroValueOf(field: Field): unknown {
  return fieldTypeOf(field).zeroValue(field);
}

/** JSON value → SQL value for a field. */
export function encodeValue(field: Field, value: unknown): SqlValue {
  return fieldTypeOf(field).encode(value, field);
}

/** SQL value → JSON value for a field. */
export function decodeValue(field: Field, value: unknown): unknown {
  return fieldTypeOf(field).decode(value, field);
}

/** The result of validating one submitted value. */
export type ValueResult = { ok: true; value: unknown } | { ok: false; error: FieldError };

// Field definitions are immutable parts of a schema snapshot: each one's value schema (zod, RegExps) is built
// once and dropped with its snapshot.
const valueSchemas = new WeakMap<Field, z.ZodType<unknown>>();

/** The value schema of a field, built once per field definition object. */
function valueSchemaOf(field: Field): z.ZodType<unknown> {
  let schema = valueSchemas.get(field);
  if (!schema) {
    schema = fieldTypeOf(field).valueSchema(field) as z.ZodType<unknown>;
    valueSchemas.set(field, schema);
  }
  return schema;
}

/** Normalizes and validates a submitted value for a field; the error carries a `validation_*` code. */
export function validateValue(field: Field, value: unknown): ValueResult {
  const parsed = valueSchemaOf(field).safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: issueToFieldError(parsed.error.issues[0]) };
}

/** Validates every field present in `values`; returns the normalized values or the errors by field name. */
export function validateValues(
  fields: readonly Field[],
  values: Record<string, unknown>,
): { ok: true; values: Record<string, unknown> } | { ok: false; errors: ErrorData } {
  const out: Record<string, unknown> = {};
  const errors: ErrorData = {};
  for (const field of fields) {
    if (!Object.hasOwn(values, field.name)) continue;
    const result = validateValue(field, values[field.name]);
    if (result.ok) out[field.name] = result.value;
    else errors[field.name] = result.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: out };
}

function issueToFieldError(issue: z.core.$ZodIssue | undefined): FieldError {
  const params = issue && "params" in issue ? (issue.params as { code?: unknown } | undefined) : undefined;
  const code = typeof params?.code === "string" ? params.code : "validation_invalid_value";
  return { code, message: issue?.message ?? "Invalid value." };
}
