/** The small OpenAPI 3.1 vocabulary the document builder uses (plain JSON objects, loosely typed). */

/** A JSON Schema (2020-12, as OpenAPI 3.1 embeds it). */
export type JsonSchema = Record<string, unknown>;

/** An OpenAPI operation object. */
export type Operation = Record<string, unknown>;

/** Operations of one path, by lower-case HTTP method. */
export type PathItem = Partial<Record<"get" | "post" | "put" | "patch" | "delete", Operation>>;

/** The `paths` object: path template → path item. */
export type Paths = Record<string, PathItem>;

/** A JSON response with `schema`, or a body-less one when `schema` is undefined. */
export function response(description: string, schema?: JsonSchema): Record<string, unknown> {
  return schema ? { description, content: { "application/json": { schema } } } : { description };
}

/** A required JSON request body. */
export function jsonBody(schema: JsonSchema): Record<string, unknown> {
  return { required: true, content: { "application/json": { schema } } };
}

/** A `$ref` to a component schema. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}
