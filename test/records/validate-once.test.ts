/** Field validators are compiled once per schema snapshot, and each write validates each value once. */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { numberField } from "../../src/collections/fields/number";
import { call, createCollection, SUPERUSER } from "./harness";

let builds = 0;
let parses = 0;
const original = numberField.valueSchema;
const spy = vi.spyOn(numberField, "valueSchema").mockImplementation((field) => {
  builds += 1;
  const schema = original(field);
  return {
    safeParse: (value: unknown) => {
      parses += 1;
      return schema.safeParse(value);
    },
  } as unknown as ReturnType<typeof original>;
});

beforeAll(async () => {
  await createCollection({
    name: "counted",
    createRule: "",
    updateRule: "",
    fields: [{ name: "n", type: "number" }],
  });
});

afterAll(() => spy.mockRestore());

it("builds the number validator once for many writes and parses each written value once", async () => {
  const first = await call(SUPERUSER, "POST", "/api/collections/counted/records", { n: 1 });
  expect(first.status).toBe(200);
  builds = 0;
  parses = 0;
  for (const n of [2, 3, 4]) {
    expect((await call(SUPERUSER, "POST", "/api/collections/counted/records", { n })).status).toBe(200);
  }
  expect(
    (await call(SUPERUSER, "PATCH", `/api/collections/counted/records/${first.body.id}`, { n: 9 })).status,
  ).toBe(200);
  expect(builds).toBe(0);
  expect(parses).toBe(4);
});
