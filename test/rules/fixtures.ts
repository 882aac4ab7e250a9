/** A test table and its FieldResolver, shared by the rules tests that run filters against real D1. */
import { env } from "cloudflare:workers";
import type { FieldResolver, IdentifierNode, Resolution, RuleContext } from "../../src/rules";
import { guestContext, RuleSyntaxError, resolveRequestValue } from "../../src/rules";

/** A row of the test table as the evaluator sees it (decoded values; arrays are multi-valued fields). */
export interface TestRecord {
  id: number;
  t: string | null;
  u: string | null;
  n: number | null;
  m: number | null;
  b: boolean;
  d: string;
  tags: string[];
  nums: number[];
  data: Record<string, unknown> | null;
}

const SCALARS: Record<string, { zero?: number }> = {
  id: { zero: 0 },
  t: {},
  u: {},
  n: { zero: 0 },
  m: { zero: 0 },
  b: { zero: 0 },
  d: {},
};
const ARRAYS = new Set(["tags", "nums"]);

/** Creates (or empties) the table `rt`: TEXT, NUMERIC and BOOLEAN columns plus JSON arrays and a JSON object. */
export async function createTestTable(): Promise<void> {
  await env.DB.exec(
    "CREATE TABLE IF NOT EXISTS rt (id INTEGER PRIMARY KEY, t TEXT, u TEXT, n NUMERIC, m NUMERIC, b BOOLEAN NOT NULL DEFAULT 0, d TEXT NOT NULL DEFAULT '', tags JSON NOT NULL DEFAULT '[]', nums JSON NOT NULL DEFAULT '[]', data JSON)",
  );
  await env.DB.exec("DELETE FROM rt");
}

/** Replaces the table's rows with `records` in one batch. */
export async function insertRecords(records: TestRecord[]): Promise<void> {
  const insert = env.DB.prepare(
    "INSERT INTO rt (id, t, u, n, m, b, d, tags, nums, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  await env.DB.batch([
    env.DB.prepare("DELETE FROM rt"),
    ...records.map((r) =>
      insert.bind(
        r.id,
        r.t,
        r.u,
        r.n,
        r.m,
        r.b ? 1 : 0,
        r.d,
        JSON.stringify(r.tags),
        JSON.stringify(r.nums),
        r.data === null ? null : JSON.stringify(r.data),
      ),
    ),
  ]);
}

/** The resolver of table `rt`: scalar columns, JSON arrays as items, `data.x` via json_extract. */
export function testResolver(ctx: RuleContext = guestContext()): FieldResolver {
  return { resolve: (node) => resolveTest(node, ctx) };
}

function resolveTest(node: IdentifierNode, ctx: RuleContext): Resolution {
  if (node.scope === "request") {
    const found = resolveRequestValue(node.path, ctx);
    if (!found.found) throw new RuleSyntaxError(`cannot resolve ${node.raw}`);
    return { kind: "value", value: found.value };
  }
  if (node.scope === "collection") {
    const [name, field] = node.path;
    if (name !== "rt" || field === undefined || !(field in SCALARS))
      throw new RuleSyntaxError(`unknown ${node.raw}`);
    const alias = `__c_${node.alias ?? name}`;
    return {
      kind: "items",
      sql: `SELECT "${alias}"."${field}" AS v FROM "rt" "${alias}"`,
    };
  }
  const [head = "", ...rest] = node.path;
  if (head === "data" && rest.length > 0) {
    return { kind: "column", sql: `json_extract("rt"."data", '$.${rest.join(".")}')` };
  }
  if (rest.length > 0) throw new RuleSyntaxError(`unknown field ${node.raw}`);
  if (ARRAYS.has(head)) {
    return {
      kind: "items",
      sql: `SELECT value AS v FROM json_each("rt"."${head}")`,
      arraySql: `"rt"."${head}"`,
    };
  }
  const scalar = SCALARS[head];
  if (scalar === undefined) throw new RuleSyntaxError(`unknown field ${node.raw}`);
  return scalar.zero === undefined
    ? { kind: "column", sql: `"rt"."${head}"` }
    : { kind: "column", sql: `"rt"."${head}"`, zero: scalar.zero };
}
