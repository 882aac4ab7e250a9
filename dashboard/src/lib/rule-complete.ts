/**
 * Autocomplete and highlighting for the rule and filter language, from the collections' schema: fields,
 * relation paths (`author.name`), `@request.*`, `@collection.<name>.*`, macros and modifiers. Pure, so it is
 * unit-tested without a browser.
 */

/** The part of a field the completer needs. */
export interface FieldInfo {
  name: string;
  type: string;
  hidden?: boolean;
  collectionId?: string;
}

/** The part of a collection the completer needs. */
export interface CollectionInfo {
  id: string;
  name: string;
  type: string;
  fields: FieldInfo[];
}

/** One suggestion: the full identifier replacing the word under the cursor. */
export interface Suggestion {
  label: string;
  /** Where the replaced word starts in the text. */
  from: number;
}

const MACROS = [
  "@now",
  "@second",
  "@minute",
  "@hour",
  "@weekday",
  "@day",
  "@month",
  "@year",
  "@yesterday",
  "@tomorrow",
  "@todayStart",
  "@todayEnd",
  "@monthStart",
  "@monthEnd",
  "@yearStart",
  "@yearEnd",
];
const REQUEST = [
  "@request.auth.",
  "@request.body.",
  "@request.query.",
  "@request.headers.",
  "@request.method",
  "@request.context",
];
const MODIFIERS = [":isset", ":changed", ":length", ":each", ":lower"];
/** Longest relation chain offered (the API allows more; suggestions stay short). */
const MAX_DEPTH = 4;
const MAX_SUGGESTIONS = 30;

function fieldsAt(
  start: CollectionInfo | undefined,
  segments: string[],
  all: CollectionInfo[],
): FieldInfo[] | undefined {
  let current = start;
  for (const segment of segments) {
    const field = current?.fields.find((f) => f.name === segment);
    if (field?.type !== "relation") return undefined;
    current = all.find((c) => c.id === field.collectionId);
  }
  return current?.fields;
}

function names(prefix: string, fields: FieldInfo[] | undefined, depth: number): string[] {
  if (!fields || depth > MAX_DEPTH) return [];
  return fields.flatMap((f) => [
    `${prefix}${f.name}`,
    ...(f.type === "relation" ? [`${prefix}${f.name}.`] : []),
  ]);
}

/** The candidates for an identifier that starts with `word` (which may contain dots). */
function candidates(word: string, collection: CollectionInfo, all: CollectionInfo[]): string[] {
  const dot = word.lastIndexOf(".");
  const head = dot >= 0 ? word.slice(0, dot + 1) : "";
  const parts = head.split(".").filter(Boolean);
  if (word.startsWith("@collection.")) {
    if (parts.length === 1) return all.map((c) => `@collection.${c.name}.`);
    const target = all.find((c) => c.name === parts[1]);
    return names(head, fieldsAt(target, parts.slice(2), all), parts.length);
  }
  if (word.startsWith("@request.auth.")) {
    const authFields = all.filter((c) => c.type === "auth").flatMap((c) => c.fields);
    const unique = [...new Map(authFields.map((f) => [f.name, f])).values()];
    const auth: CollectionInfo = { id: "", name: "", type: "auth", fields: unique };
    return ["@request.auth.collectionName", "@request.auth.collectionId"].concat(
      names(head, fieldsAt(auth, parts.slice(2), all), parts.length),
    );
  }
  if (word.startsWith("@request.body.")) {
    return names(head, fieldsAt(collection, parts.slice(2), all), parts.length);
  }
  if (word.startsWith("@")) return [...REQUEST, "@collection.", ...MACROS];
  return names(head, fieldsAt(collection, parts, all), parts.length);
}

/** Suggestions for the identifier (or modifier) that ends at `cursor` in `text`. */
export function suggest(
  text: string,
  cursor: number,
  collection: CollectionInfo,
  all: CollectionInfo[],
): Suggestion[] {
  const before = text.slice(0, cursor);
  const modifier = /[\w.@]+(:\w*)$/.exec(before);
  if (modifier?.[1]) {
    const typed = modifier[1];
    const from = cursor - typed.length;
    return MODIFIERS.filter((m) => m.startsWith(typed) && m !== typed).map((label) => ({ label, from }));
  }
  const match = /[@\w.]*$/.exec(before);
  const word = match?.[0] ?? "";
  if (!word) return [];
  const from = cursor - word.length;
  return candidates(word, collection, all)
    .filter((c) => c.startsWith(word) && c !== word)
    .slice(0, MAX_SUGGESTIONS)
    .map((label) => ({ label, from }));
}

/** A run of rule text with its kind, for syntax highlighting. */
export interface Token {
  text: string;
  kind: "string" | "number" | "operator" | "macro" | "identifier" | "keyword" | "plain";
}

const TOKEN =
  /('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)|(-?\d+(?:\.\d+)?)|(\?\?|\?!?[=~<>]=?|!?[=~]|[<>]=?|&&|\|\|)|(@[\w.]*)|([A-Za-z_][\w.:]*)|(\s+|[\s\S])/g;

/** Splits rule text into highlighted runs; joining the runs' text gives back the input exactly. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const [all, str, num, op, macro, ident] = m;
    let kind: Token["kind"] = "plain";
    if (str !== undefined) kind = "string";
    else if (num !== undefined) kind = "number";
    else if (op !== undefined) kind = "operator";
    else if (macro !== undefined) kind = "macro";
    else if (ident !== undefined) kind = /^(true|false|null)$/.test(ident) ? "keyword" : "identifier";
    out.push({ text: all, kind });
  }
  return out;
}
