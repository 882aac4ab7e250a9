/** Storage and validation shared by `select` and `relation`: one string, or a JSON list when maxSelect > 1. */
import { z } from "zod";
import {
  castString,
  castStringList,
  decodeJsonList,
  decodeText,
  type FieldBase,
  JSON_LIST_COLUMN,
  requireNonZero,
  TEXT_COLUMN,
} from "./field-type";

/** The options a choice field has. */
type Choice = FieldBase & { required: boolean; maxSelect: number; minSelect?: number };

/** True when the field holds a list. */
export const isMultiChoice = (f: { maxSelect: number }): boolean => f.maxSelect > 1;

/** Column, zero value and codec of a choice field. */
export const choiceCodec = {
  column: (f: Choice) => (isMultiChoice(f) ? JSON_LIST_COLUMN : TEXT_COLUMN),
  isMulti: isMultiChoice,
  zeroValue: (f: Choice) => (isMultiChoice(f) ? [] : ""),
  encode: (v: unknown, f: Choice) => (isMultiChoice(f) ? JSON.stringify(v ?? []) : String(v ?? "")),
  decode: (v: unknown, f: Choice) => (isMultiChoice(f) ? decodeJsonList(v) : decodeText(v)),
};

/**
 * The value schema of a choice field: each item must pass `valid` (else `invalid`); lists are de-duplicated,
 * capped at maxSelect and, when non-empty, at least minSelect long.
 */
export function choiceValueSchema(
  f: Choice,
  valid: (item: string) => boolean,
  invalid: { message: string; params: { code: string } },
): z.ZodType<unknown> {
  if (!isMultiChoice(f)) {
    const single = z.preprocess(castString, z.string()).refine((v) => v === "" || valid(v), invalid);
    return requireNonZero(single, f.required, (v) => v === "");
  }
  const min = f.minSelect ?? 0;
  const multi = z
    .preprocess(castStringList, z.array(z.string()))
    .transform((v) => [...new Set(v.filter((x) => x !== ""))])
    .refine((v) => v.every(valid), invalid)
    .refine((v) => v.length <= f.maxSelect, {
      message: `Select no more than ${f.maxSelect}.`,
      params: { code: "validation_too_many_values" },
    })
    .refine((v) => v.length === 0 || v.length >= min, {
      message: `Select at least ${min}.`,
      params: { code: "validation_not_enough_values" },
    });
  return requireNonZero(multi, f.required, (v) => v.length === 0);
}
