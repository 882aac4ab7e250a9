/** The OpenAPI 3.1 document from collections and zod schemas. */
export { buildDocument, type DocumentInput, documentVersion, isDocumented } from "./document";
export { fieldSchema } from "./field-schema";
export { type Audience, inputSchema, recordSchema } from "./record-schemas";
