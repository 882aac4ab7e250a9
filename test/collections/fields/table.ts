/** Table-driven checks shared by the per-field-type tests: options, value casting and validation, D1 codec. */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import {
  columnOf,
  decodeValue,
  encodeValue,
  type Field,
  fieldSchema,
  validateValue,
  zeroValueOf,
} from "../../../src/collections";
import { quoteIdent } from "../../../src/db/sql";

/** A field definition parsed like a stored one (defaults filled in), named `f` unless given a name. */
export function defineField(def: Record<string, unknown>): Field {
  return fieldSchema.parse({ name: "f", ...def });
}

/** Definitions that must parse, and definitions that must fail at the named option. */
export function optionsTable(
  type: string,
  valid: Record<string, unknown>[],
  invalid: [Record<string, unknown>, string][],
): void {
  it.each(valid)(`accepts the ${type} options %j`, (options) => {
    expect(fieldSchema.safeParse({ name: "f", type, ...options }).success).toBe(true);
  });
  it.each(invalid)(`refuses the ${type} options %j at %s`, (options, path) => {
    const parsed = fieldSchema.safeParse({ name: "f", type, ...options });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });
}

/** Submitted values with what they normalize to, and values refused with their `validation_*` code. */
export function valueTable(
  field: Field,
  valid: [unknown, unknown][],
  invalid: [unknown, string][] = [],
): void {
  if (valid.length > 0) {
    it.each(valid)(`${field.type} accepts %j as %j`, (input, expected) => {
      expect(validateValue(field, input)).toEqual({ ok: true, value: expected });
    });
  }
  if (invalid.length > 0) {
    it.each(invalid)(`${field.type} refuses %j with %s`, (input, code) => {
      const result = validateValue(field, input);
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.error.code).toBe(code);
    });
  }
}

let tables = 0;

async function tableFor(field: Field): Promise<string> {
  tables += 1;
  const table = `field_${field.type.toLowerCase()}_${tables}`;
  await env.DB.prepare(`CREATE TABLE ${quoteIdent(table)} (k INTEGER, v ${columnOf(field)})`).run();
  return table;
}

/** Encodes `value`, stores it in a column made from the field's DDL, reads it back and decodes it. */
export async function throughD1(field: Field, value: unknown): Promise<unknown> {
  const table = await tableFor(field);
  await env.DB.prepare(`INSERT INTO ${quoteIdent(table)} (k, v) VALUES (1, ?)`)
    .bind(encodeValue(field, value))
    .run();
  const row = await env.DB.prepare(`SELECT v FROM ${quoteIdent(table)}`).first<{ v: unknown }>();
  return decodeValue(field, row?.v);
}

/** The decoded value of a row inserted without the field: the column's DEFAULT. */
export async function defaultThroughD1(field: Field): Promise<unknown> {
  const table = await tableFor(field);
  await env.DB.prepare(`INSERT INTO ${quoteIdent(table)} (k) VALUES (1)`).run();
  const row = await env.DB.prepare(`SELECT v FROM ${quoteIdent(table)}`).first<{ v: unknown }>();
  return decodeValue(field, row?.v);
}

/**
 * The column DDL, round trips of `values` through it, and a row stored without the field: it reads as the
 * zero value, or (`unset: "refused"`, a primary key) cannot be stored at all.
 */
export function codecTable(
  field: Field,
  column: string,
  values: unknown[],
  unset: "zero" | "refused" = "zero",
): void {
  it(`${field.type} column is ${column}`, () => {
    expect(columnOf(field)).toBe(column);
  });
  // Wrapped: it.each spreads array rows into arguments, and some values are arrays.
  it.each(values.map((value) => [value]))(
    `${field.type} round-trips %j through its D1 column`,
    async (value) => {
      expect(await throughD1(field, value)).toEqual(value);
    },
  );
  if (unset === "refused") {
    it(`${field.type}: a row cannot be stored without the field`, async () => {
      await expect(defaultThroughD1(field)).rejects.toThrow(/NOT NULL/);
    });
  } else {
    it(`${field.type}: a row stored without the field reads as its zero value`, async () => {
      expect(await defaultThroughD1(field)).toEqual(zeroValueOf(field));
    });
  }
}
