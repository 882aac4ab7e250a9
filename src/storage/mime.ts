/** Content sniffing: the type a file's first bytes prove, checked against the type its uploader declared. */

/** How many leading bytes {@link sniffType} looks at. */
export const SNIFF_BYTES = 512;

/**
 * True when the bytes at `at` are `text`'s (one byte per character). A plain loop: this runs for every magic
 * number on every upload, and spreading the string into an array each time showed in the upload profile.
 */
function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Types recognised by their magic numbers, in the order they are tried. */
const MAGIC: readonly [string, (b: Uint8Array) => boolean][] = [
  ["image/png", (b) => ascii(b, 0, "\x89PNG\r\n\x1a\n")],
  ["image/jpeg", (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ["image/gif", (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")],
  ["image/webp", (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")],
  ["image/bmp", (b) => ascii(b, 0, "BM") && b.length > 14],
  ["image/tiff", (b) => ascii(b, 0, "II*\x00") || ascii(b, 0, "MM\x00*")],
  ["image/x-icon", (b) => b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0],
  ["image/avif", (b) => ascii(b, 4, "ftypavif")],
  ["image/heic", (b) => ascii(b, 4, "ftypheic")],
  ["video/mp4", (b) => ascii(b, 4, "ftyp")],
  ["video/webm", (b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3],
  ["audio/mpeg", (b) => ascii(b, 0, "ID3") || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)],
  ["audio/wav", (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")],
  ["audio/ogg", (b) => ascii(b, 0, "OggS")],
  ["application/pdf", (b) => ascii(b, 0, "%PDF-")],
  ["application/zip", (b) => ascii(b, 0, "PK\x03\x04") || ascii(b, 0, "PK\x05\x06")],
  ["application/gzip", (b) => b[0] === 0x1f && b[1] === 0x8b],
  ["application/x-7z-compressed", (b) => ascii(b, 0, "7z\xbc\xaf\x27\x1c")],
  ["application/wasm", (b) => ascii(b, 0, "\x00asm")],
];

/** Types with a magic number: a file declared as one of them must carry it. */
const MAGIC_TYPES = new Set(MAGIC.map(([type]) => type));

/** True when `type` has a magic number this module checks (so bytes can prove or refute it). */
export function isMagicType(type: string): boolean {
  return MAGIC_TYPES.has(type);
}

/** Types a browser would run script in; served as attachments (see http/routes/files.ts). */
export const ACTIVE_TYPES = new Set([
  "text/html",
  "image/svg+xml",
  "application/xhtml+xml",
  "text/xml",
  "application/xml",
  "text/javascript",
  "application/javascript",
]);

/** True when `text` holds a control character text files do not (tab, newlines, form feed and ESC are fine). */
function hasBinaryControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) return true;
  }
  return false;
}

/**
 * One strict decoder for every sniff: a decode without `stream` starts from a clean state, and constructing a
 * decoder per upload cost more than the decode itself in the upload profile.
 */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function textType(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes.subarray(0, SNIFF_BYTES - 4));
  } catch {
    return undefined;
  }
  if (hasBinaryControl(text)) return undefined;
  const head = text
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"))) return "image/svg+xml";
  if (/^<(!doctype html|html|head|body|script|iframe|!--)/.test(head)) return "text/html";
  if (head.startsWith("<?xml")) return "text/xml";
  if (head.startsWith("{") || head.startsWith("[")) return "application/json";
  return "text/plain";
}

/** The type the leading bytes prove, "text/plain" for other text, or "application/octet-stream". */
export function sniffType(bytes: Uint8Array): string {
  for (const [type, test] of MAGIC) if (test(bytes)) return type;
  return textType(bytes) ?? "application/octet-stream";
}

/** A declared Content-Type without parameters, lower case; "" when none or generic. */
export function declaredType(type: string): string {
  const base = (type.split(";")[0] ?? "").trim().toLowerCase();
  return base === "application/octet-stream" ? "" : base;
}

/**
 * The type to store a file under: what its bytes prove; for plain text a declared text-like type (text/csv);
 * never a declared magic type the bytes do not carry (a PNG declared over a script stays text/plain).
 */
export function effectiveType(sniffed: string, declared: string): string {
  if (MAGIC_TYPES.has(sniffed) || sniffed === "image/svg+xml" || sniffed === "text/html") return sniffed;
  if (!declared || MAGIC_TYPES.has(declared) || ACTIVE_TYPES.has(declared)) return sniffed;
  if (sniffed === "text/plain" || sniffed === "application/json") return declared;
  return sniffed;
}
