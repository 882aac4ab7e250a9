/** A zod schema as an OpenAPI (JSON Schema 2020-12) schema object. */
import { z } from "zod";
import type { JsonSchema } from "./types";

/** The input side of `schema` (what a client sends), without the `$schema` marker OpenAPI does not want. */
export function fromZod(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...out } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return out;
}
