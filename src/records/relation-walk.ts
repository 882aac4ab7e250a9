/** The relation walk of the record resolver: field paths through relations and back-relations to SQL. */
import type { Collection } from "../collections/collection";
import { type Field, isMultiValued } from "../collections/fields";
import { findBackRelation, isBackRelationName } from "../collections/relations";
import type { SchemaSnapshot } from "../collections/store";
import { quoteIdent, quoteString } from "../db/sql";
import type { RuleContext } from "../rules/context";
import { RuleSyntaxError } from "../rules/errors";
import type { Resolution, SqlFragment } from "../rules/resolver";

/** Hands out table aliases unique within one statement (nested subqueries included). */
export class AliasCounter {
  #next = 0;
  /** A fresh quoted alias such as `__r3`. */
  fresh(prefix = "r"): string {
    this.#next++;
    return quoteIdent(`__${prefix}${this.#next}`);
  }
}

/** A compiled rule for a related collection's row (used to apply listRules along client-filter relation paths). */
export interface RuleSql {
  sql: string;
  params: readonly unknown[];
  joins: readonly SqlFragment[];
}

/** Options of the record resolver, which its relation walk shares. */
export interface RecordResolverOptions {
  snapshot: SchemaSnapshot;
  collection: Collection;
  /** The quoted alias of the record's row in the statement. */
  alias: string;
  ctx: RuleContext;
  /**
   * True for a client `filter`/`sort`: `@request.*`/`@collection.*` are 403, hidden fields unknown (400), and
   * every related collection a path walks into applies its listRule. False for rules.
   */
  client: boolean;
  aliases: AliasCounter;
  /** Compiles `collection`'s listRule for the row at `alias` (client mode only). */
  listRuleOf: (collection: Collection, alias: string) => RuleSql | null;
}

/** How the current row of a chain is referenced: by a table alias, or by values known up front (the auth record). */
export type RowRef = (field: string) => SqlFragment;

interface Chain {
  from: string[];
  fromParams: unknown[];
  where: string[];
  whereParams: unknown[];
  multi: boolean;
}

/**
 * Walks a field path from a row of one collection: a local column, a JSON path, or a chain of relation hops
 * compiled to a correlated subquery (items when anything on the way is multi-valued). In client mode hidden
 * fields are unknown, private emails read as NULL and every collection walked into applies its listRule.
 */
export class RelationWalk {
  readonly #o: RecordResolverOptions;

  constructor(options: RecordResolverOptions) {
    this.#o = options;
  }

  /** Resolves `path` starting at a row of `collection`; `seeded` rows (the auth record) have no table alias. */
  walk(collection: Collection, row: RowRef, path: readonly string[], seeded = false): Resolution {
    const chain: Chain = { from: [], fromParams: [], where: [], whereParams: [], multi: false };
    let current = collection;
    let ref = row;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] as string;
      const rest = path.slice(i + 1);
      const field = current.fields.find((f) => f.name === segment);
      const isHop =
        rest.length > 0 && (field === undefined ? isBackRelationName(segment) : field.type === "relation");
      if (!isHop) {
        if (chain.from.length === 0 && !seeded) return this.#local(current, ref, segment, rest);
        return this.#finish(chain, current, ref, segment, rest);
      }
      const next = this.#hop(chain, current, ref, segment, field);
      current = next.collection;
      ref = (f) => ({ sql: `${next.alias}.${quoteIdent(f)}`, params: [] });
    }
    throw new RuleSyntaxError("empty identifier path");
  }

  /** A field of the row itself (no subquery). */
  #local(collection: Collection, ref: RowRef, name: string, rest: readonly string[]): Resolution {
    const field = this.#field(collection, name);
    const column = ref(field.name);
    if (rest.length > 0)
      return { kind: "column", sql: jsonPath(field, column.sql, rest), params: column.params };
    const email = this.#emailGuard(collection, field, ref, column.sql);
    if (email) return { kind: "column", ...email };
    if (isMultiValued(field)) {
      return {
        kind: "items",
        sql: `SELECT value AS v FROM json_each(${column.sql})`,
        params: column.params,
        arraySql: column.sql,
      };
    }
    return { kind: "column", sql: column.sql, params: column.params, ...zeroOf(field) };
  }

  /** Steps from the current row into a related collection, adding to the chain's FROM/WHERE. */
  #hop(chain: Chain, current: Collection, ref: RowRef, segment: string, field: Field | undefined) {
    const first = chain.from.length === 0;
    const alias = this.#o.aliases.fresh();
    let target: Collection;
    if (field === undefined) {
      const found = findBackRelation(segment, current, this.#o.snapshot);
      if (!found) throw new RuleSyntaxError(`unknown back-relation "${segment}"`);
      const { source, field: back } = found;
      this.#field(source, back.name);
      target = source;
      const id = ref("id");
      const col = `${alias}.${quoteIdent(back.name)}`;
      const cond = isMultiValued(back)
        ? `EXISTS (SELECT 1 FROM json_each(${col}) WHERE value = ${id.sql})`
        : `${col} = ${id.sql}`;
      if (first) chain.from.push(`${quoteIdent(source.name)} ${alias}`);
      else chain.from.push(`JOIN ${quoteIdent(source.name)} ${alias} ON 1 = 1`);
      chain.where.push(cond);
      chain.whereParams.push(...id.params);
      chain.multi = true;
    } else {
      if (field.type !== "relation") throw new RuleSyntaxError(`"${segment}" is not a relation`);
      this.#field(current, field.name);
      const related = this.#o.snapshot.find(field.collectionId);
      if (!related) throw new RuleSyntaxError(`the collection of "${segment}" no longer exists`);
      target = related;
      const src = ref(field.name);
      const table = `${quoteIdent(related.name)} ${alias}`;
      if (isMultiValued(field)) {
        const each = this.#o.aliases.fresh("j");
        chain.from.push(
          `${first ? "" : "JOIN "}json_each(${src.sql}) ${each} JOIN ${table} ON ${alias}.id = ${each}.value`,
        );
        chain.fromParams.push(...src.params);
        chain.multi = true;
      } else {
        chain.from.push(first ? table : `JOIN ${table} ON 1 = 1`);
        chain.where.push(`${alias}.id = ${src.sql}`);
        chain.whereParams.push(...src.params);
      }
    }
    this.#applyListRule(chain, target, alias);
    return { collection: target, alias };
  }

  #applyListRule(chain: Chain, target: Collection, alias: string): void {
    if (!this.#o.client || this.#o.ctx.isSuperuser) return;
    if (target.listRule === null) {
      // Superusers-only collections are invisible to client filters: the path matches nothing.
      chain.where.push("0");
      return;
    }
    const rule = this.#o.listRuleOf(target, alias);
    if (!rule) return;
    for (const join of rule.joins) {
      chain.from.push(join.sql);
      chain.fromParams.push(...join.params);
    }
    chain.where.push(`(${rule.sql})`);
    chain.whereParams.push(...rule.params);
  }

  /** The last field of a relation chain: a scalar subquery, or items when anything on the way is multi-valued. */
  #finish(
    chain: Chain,
    collection: Collection,
    ref: RowRef,
    name: string,
    rest: readonly string[],
  ): Resolution {
    const field = this.#field(collection, name);
    let select = ref(field.name).sql;
    const selectParams: unknown[] = [];
    const email = this.#emailGuard(collection, field, ref, select);
    if (email) {
      select = email.sql;
      selectParams.push(...email.params);
    }
    if (rest.length > 0) select = jsonPath(field, select, rest);
    else if (isMultiValued(field)) {
      const each = this.#o.aliases.fresh("j");
      chain.from.push(`JOIN json_each(${select}) ${each} ON 1 = 1`);
      select = `${each}.value`;
      chain.multi = true;
    }
    const where = chain.where.length > 0 ? ` WHERE ${chain.where.join(" AND ")}` : "";
    const params = [...selectParams, ...chain.fromParams, ...chain.whereParams];
    if (chain.multi) {
      return { kind: "items", sql: `SELECT ${select} AS v FROM ${chain.from.join(" ")}${where}`, params };
    }
    const zero = rest.length === 0 ? zeroOf(field) : {};
    return {
      kind: "column",
      sql: `(SELECT ${select} FROM ${chain.from.join(" ")}${where} LIMIT 1)`,
      params,
      ...zero,
    };
  }

  /**
   * Client filters of non-superusers see an auth record's email only where the API would return it (its
   * emailVisibility is on, or it is the caller's own record): elsewhere it reads as NULL, so a filter cannot
   * probe hidden addresses.
   */
  #emailGuard(collection: Collection, field: Field, ref: RowRef, sql: string): SqlFragment | null {
    if (!this.#o.client || this.#o.ctx.isSuperuser) return null;
    if (collection.type !== "auth" || field.name !== "email") return null;
    const self = this.#o.ctx.auth?.collectionId === collection.id ? this.#o.ctx.auth.id : "";
    return {
      sql: `(CASE WHEN ${ref("emailVisibility").sql} = 1 OR ${ref("id").sql} = ? THEN ${sql} END)`,
      params: [self],
    };
  }

  /** A field by name; hidden fields do not exist for client filters of non-superusers. */
  #field(collection: Collection, name: string): Field {
    const field = collection.fields.find((f) => f.name === name);
    const hiddenFromClient = field?.hidden === true && this.#o.client && !this.#o.ctx.isSuperuser;
    if (!field || hiddenFromClient || field.type === "password") {
      throw new RuleSyntaxError(`unknown field "${name}" in collection "${collection.name}"`);
    }
    return field;
  }
}

function zeroOf(field: Field): { zero?: number } {
  return field.type === "number" || field.type === "bool" ? { zero: 0 } : {};
}

/** `json_extract(col, '$.a.b')` for a path into a json field; other field types have no sub-paths. */
function jsonPath(field: Field, column: string, rest: readonly string[]): string {
  if (field.type !== "json" && field.type !== "geoPoint") {
    throw new RuleSyntaxError(`"${field.name}" has no sub-field "${rest.join(".")}"`);
  }
  // Path segments passed the parser's identifier pattern: no quotes or brackets can reach the literal.
  const path = `$${rest.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("")}`;
  return `json_extract(${column}, ${quoteString(path)})`;
}
