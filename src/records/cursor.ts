/** Opaque keyset cursors: the last row's sort values and id, bound to the sort they were made for. */
import { fromBase64Url, toBase64Url, utf8 } from "../lib/bytes";
import { badRequest } from "../lib/errors";

/** Sort-key values a cursor carries (SQLite scalars). */
export type CursorValue = string | number | null;

/** What a cursor says: "continue after the row with these sort values and this id, under this sort". */
export interface CursorPosition {
  /** The normalized sort the cursor was made for; a cursor is refused under any other sort. */
  sort: string;
  values: CursorValue[];
  id: string;
}

/** Encodes a position as a URL-safe token. Not signed: its values only ever become bound parameters. */
export function encodeCursor(position: CursorPosition): string {
  return toBase64Url(utf8(JSON.stringify([position.sort, position.values, position.id])));
}

/** Throws the 400 of a malformed cursor or one made for another sort. */
export function invalidCursor(): never {
  throw badRequest('Invalid "cursor" query parameter.', {
    cursor: {
      code: "validation_invalid_cursor",
      message: "The cursor is malformed or was made for another sort.",
    },
  });
}

/** Decodes a cursor made for `sort`; anything else (tampered, other sort, wrong shape) is a 400. */
export function decodeCursor(token: string, sort: string): CursorPosition {
  const bytes = fromBase64Url(token);
  if (!bytes) invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) invalidCursor();
  const [cursorSort, values, id] = parsed as unknown[];
  if (cursorSort !== sort || typeof id !== "string" || !Array.isArray(values)) invalidCursor();
  const scalar = (v: unknown) =>
    v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
  if (!values.every(scalar)) invalidCursor();
  return { sort, values: values as CursorValue[], id };
}
