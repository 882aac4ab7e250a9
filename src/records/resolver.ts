/** The record FieldResolver: dispatches `@request.*`, `@collection.*` and record paths to the relation walk. */
import { quoteIdent } from "../db/sql";
import { forbidden } from "../lib/errors";
import type { IdentifierNode } from "../rules/ast";
import { RuleSyntaxError } from "../rules/errors";
import { type FieldResolver, type Resolution, resolveRequestValue } from "../rules/resolver";
import { type RecordResolverOptions, RelationWalk, type RowRef } from "./relation-walk";

export { AliasCounter, type RecordResolverOptions, type RuleSql } from "./relation-walk";

/** Resolves identifiers of filters and rules against one collection's schema (see the FieldResolver port). */
export class RecordResolver implements FieldResolver {
  readonly #o: RecordResolverOptions;
  readonly #walker: RelationWalk;

  constructor(options: RecordResolverOptions) {
    this.#o = options;
    this.#walker = new RelationWalk(options);
  }

  resolve(identifier: IdentifierNode): Resolution {
    if (identifier.scope === "request") {
      if (this.#o.client) throw forbidden("Only rules may use @request.* identifiers.");
      return this.#request(identifier.path);
    }
    if (identifier.scope === "collection") {
      if (this.#o.client) throw forbidden("Only rules may use @collection.* identifiers.");
      return this.#collectionScope(identifier);
    }
    const alias = this.#o.alias;
    return this.#walker.walk(
      this.#o.collection,
      (f) => ({ sql: `${alias}.${quoteIdent(f)}`, params: [] }),
      identifier.path,
    );
  }

  #request(path: string[]): Resolution {
    const found = resolveRequestValue(path, this.#o.ctx);
    if (found.found) return { kind: "value", value: found.value };
    // `@request.auth.<relation>.<field>`: follow the auth record's relation in SQL, seeded with its values.
    const auth = this.#o.ctx.auth;
    const authCollection = auth ? this.#o.snapshot.find(auth.collectionId) : undefined;
    if (!auth || !authCollection) return { kind: "value", value: null };
    const seed: RowRef = (f) => {
      const value = auth[f];
      return { sql: "?", params: [Array.isArray(value) ? JSON.stringify(value) : (value ?? null)] };
    };
    return this.#walker.walk(authCollection, seed, path.slice(1), true);
  }

  #collectionScope(identifier: IdentifierNode): Resolution {
    const [name, ...rest] = identifier.path;
    const target = name ? this.#o.snapshot.find(name) : undefined;
    if (!target || target.name !== name || rest.length === 0) {
      throw new RuleSyntaxError(`unknown collection in ${identifier.raw}`, identifier.pos);
    }
    // One LEFT JOIN per alias: conditions on the same alias refer to the same joined row, as in PocketBase.
    const alias = quoteIdent(`__c_${identifier.alias ?? name}`);
    const join = { sql: `LEFT JOIN ${quoteIdent(target.name)} ${alias} ON 1 = 1`, params: [] };
    const inner = this.#walker.walk(target, (f) => ({ sql: `${alias}.${quoteIdent(f)}`, params: [] }), rest);
    if (inner.kind === "value") return inner;
    return { ...inner, joins: [join, ...(inner.joins ?? [])] };
  }
}
