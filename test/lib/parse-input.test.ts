import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "../../src/lib/errors";
import { parseInput } from "../../src/lib/parse-input";

const schema = z.object({ email: z.string(), age: z.number().int().optional() });

function failure(input: unknown, options?: Parameters<typeof parseInput>[2]): ApiError {
  try {
    parseInput(schema, input, options);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("parsed");
}

describe("parseInput", () => {
  it("returns the parsed value", () => {
    expect(parseInput(schema, { email: "a@b.c", age: 3 })).toEqual({ email: "a@b.c", age: 3 });
  });

  it("names every failing path with a PocketBase code", () => {
    const error = failure({ age: 1.5 });
    expect(error.toJSON()).toEqual({
      status: 400,
      message: "Failed to validate the submitted data.",
      data: {
        email: { code: "validation_required", message: "Cannot be blank." },
        age: { code: "validation_invalid_value", message: expect.any(String) },
      },
    });
  });

  it("uses the root path, prefix and message it is given", () => {
    expect(failure("nope", { root: "query", message: "Bad." }).toJSON()).toMatchObject({
      message: "Bad.",
      data: { query: { code: "validation_invalid_value" } },
    });
    expect(Object.keys(failure({}, { prefix: "requests.2" }).data)).toEqual(["requests.2.email"]);
  });
});
