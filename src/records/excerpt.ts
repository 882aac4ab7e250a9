/** `:excerpt(n)`: the plain text of an HTML value in one linear pass that stops once `n` characters are out. */

/** Elements whose content is dropped with them (as browsers do not render it as text). */
const RAW_TEXT = ["script", "style"] as const;
type RawText = (typeof RAW_TEXT)[number];

const WHITESPACE = /\s/;

/**
 * Plain text of at most `length` characters: tags stripped (`<script>`/`<style>` with their content),
 * whitespace collapsed, trimmed, `...` appended when cut and asked for. Characters are code points.
 *
 * Why not regexes: `<[^>]*>` over a value full of unclosed `<` backtracks quadratically (990k `<` took 28 s of
 * CPU). Here every search moves forward and remembers a failed search, so the work is linear in the input read,
 * and reading stops as soon as the excerpt is complete: the input is cut before it is stripped.
 */
export function toExcerpt(html: string, length: number, ellipsis: boolean): string {
  let out = "";
  let count = 0;
  let pendingSpace = false;
  let cut = false;
  // Position of the next `>` (or -1 when there is none left); searched again only once passed.
  let nextGt = 0;
  const closers = new Map<RawText, number>();
  const closerAfter = (name: RawText, from: number): number => {
    const known = closers.get(name);
    if (known !== undefined && (known === -1 || known >= from)) return known;
    const found = indexOfIgnoreCase(html, `</${name}>`, from);
    closers.set(name, found);
    return found;
  };

  let i = 0;
  while (i < html.length) {
    if (html[i] === "<" && nextGt !== -1) {
      if (nextGt < i + 1) nextGt = html.indexOf(">", i + 1);
      if (nextGt !== -1) {
        let end = nextGt + 1;
        const raw = RAW_TEXT.find((name) => startsWithIgnoreCase(html, name, i + 1));
        if (raw) {
          const close = closerAfter(raw, end);
          if (close !== -1) end = close + raw.length + 3;
        }
        pendingSpace = true;
        i = end;
        continue;
      }
    }
    const code = html.codePointAt(i) as number;
    const char = String.fromCodePoint(code);
    i += char.length;
    if (WHITESPACE.test(char)) {
      pendingSpace = true;
      continue;
    }
    const space = pendingSpace && count > 0 ? 1 : 0;
    pendingSpace = false;
    if (count + space + 1 > length) {
      cut = true;
      break;
    }
    if (space) out += " ";
    out += char;
    count += space + 1;
  }
  return cut && ellipsis ? `${out}...` : out;
}

function startsWithIgnoreCase(text: string, word: string, at: number): boolean {
  return text.slice(at, at + word.length).toLowerCase() === word;
}

/** indexOf for an ASCII `needle`, ignoring case, without copying the haystack. */
function indexOfIgnoreCase(haystack: string, needle: string, from: number): number {
  const first = needle.charCodeAt(0);
  for (let i = haystack.indexOf(String.fromCharCode(first), from); i !== -1; ) {
    if (startsWithIgnoreCase(haystack, needle, i)) return i;
    i = haystack.indexOf(String.fromCharCode(first), i + 1);
  }
  return -1;
}
