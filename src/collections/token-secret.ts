/** Capability: rotate an auth collection's token secret (every token it signed stops verifying). */
import { badRequest, notFound } from "../lib/errors";
import { generateTokenSecret } from "../lib/secrets";
import { type CollectionDeps, changeSchema } from "./apply";
import { idOrNameSchema, nowOf } from "./save-collection";

/** Replaces the token secret of an auth collection, which signs everyone in it out. */
export async function rotateTokenSecret(deps: CollectionDeps, idOrName: unknown): Promise<void> {
  const parsed = idOrNameSchema.safeParse(idOrName);
  await changeSchema(deps, async (snapshot) => {
    const existing = parsed.success ? snapshot.find(parsed.data) : undefined;
    if (!existing) throw notFound();
    if (existing.type !== "auth") throw badRequest("Only auth collections have a token secret.");
    const next = { ...existing, tokenSecret: generateTokenSecret(), updated: nowOf(deps) };
    return { changes: [{ old: existing, next }], result: undefined };
  });
}
