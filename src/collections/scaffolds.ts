/** The collection templates the admin UI starts from (`GET /api/collections/meta/scaffolds`). */
import { z } from "zod";
import { authOptionsShape, blankCollection, type PublicCollection } from "./collection";
import { systemFieldsOf, timestampFields } from "./system-fields";

const authDefaults = z.object(authOptionsShape).parse({});

/** One blank collection per type with the default fields and options (auth indexes are added on save). */
export function collectionScaffolds(): Record<"base" | "auth" | "view", PublicCollection> {
  const common = blankCollection("", "");
  return {
    base: { ...common, type: "base", fields: [...systemFieldsOf("base"), ...timestampFields()] },
    auth: {
      ...common,
      type: "auth",
      fields: [...systemFieldsOf("auth"), ...timestampFields()],
      ...authDefaults,
    },
    view: { ...common, type: "view", fields: [], viewQuery: "" },
  };
}
