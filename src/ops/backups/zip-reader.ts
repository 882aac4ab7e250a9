/**
 * A random-access zip reader over ranged reads: the end record and the central directory are read from the end
 * of the archive, then each entry is streamed on its own (a ranged read piped through the platform's
 * `DecompressionStream`). Only one entry's bytes are in flight at a time, so an archive of any size is read in
 * bounded memory. Zip64 and encrypted entries are refused (the backup writer never makes them).
 */

/** Where the archive's bytes come from: its size and ranged reads (an R2 object, or bytes in memory). */
export interface ByteSource {
  readonly size: number;
  /** Bytes `[offset, offset + length)` at once (small reads: headers and the directory). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Bytes `[offset, offset + length)` as a stream (an entry's data). */
  stream(offset: number, length: number): Promise<ReadableStream<Uint8Array>>;
}

/** One central-directory entry. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/** Largest central directory read (a backup has a few entries per table: 10,000 tables fit with room). */
const MAX_DIRECTORY_BYTES = 4 * 1024 * 1024;
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Thrown for any structural problem; the caller turns it into its own refusal. */
export class ZipFormatError extends Error {}

/** A source over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
    stream: async (offset, length) => new Blob([bytes.subarray(offset, offset + length)]).stream(),
  };
}

/** A source over an R2 object of known size (each read is a ranged GET). */
export function r2Source(bucket: R2Bucket, key: string, size: number): ByteSource {
  const get = async (offset: number, length: number) => {
    const object = length === 0 ? null : await bucket.get(key, { range: { offset, length } });
    if (length > 0 && !object) throw new ZipFormatError("the archive disappeared while being read");
    return object;
  };
  return {
    size,
    read: async (offset, length) => {
      const object = await get(offset, length);
      return object ? new Uint8Array(await object.arrayBuffer()) : new Uint8Array();
    },
    stream: async (offset, length) => {
      const object = await get(offset, length);
      return object ? object.body : new Blob([]).stream();
    },
  };
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads the central directory: every entry's name, method, sizes and local header offset. */
export async function readDirectory(source: ByteSource): Promise<Map<string, ZipEntry>> {
  if (source.size < 22) throw new ZipFormatError("too short");
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = await source.read(source.size - tailLength, tailLength);
  const tv = view(tail);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError("no end of central directory");
  const count = tv.getUint16(at + 10, true);
  const dirSize = tv.getUint32(at + 12, true);
  const dirOffset = tv.getUint32(at + 16, true);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff)
    throw new ZipFormatError("zip64 is not supported");
  if (dirSize > MAX_DIRECTORY_BYTES || dirOffset + dirSize > source.size)
    throw new ZipFormatError("bad central directory");
  const dir = await source.read(dirOffset, dirSize);
  const dv = view(dir);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dv.getUint32(p, true) !== CENTRAL) throw new ZipFormatError("bad entry");
    const flags = dv.getUint16(p + 8, true);
    const nameLength = dv.getUint16(p + 28, true);
    const extraLength = dv.getUint16(p + 30, true);
    const commentLength = dv.getUint16(p + 32, true);
    if (p + 46 + nameLength > dir.length) throw new ZipFormatError("bad entry");
    const entry: ZipEntry = {
      name: decoder.decode(dir.subarray(p + 46, p + 46 + nameLength)),
      method: dv.getUint16(p + 10, true),
      compressedSize: dv.getUint32(p + 20, true),
      size: dv.getUint32(p + 24, true),
      offset: dv.getUint32(p + 42, true),
    };
    if (flags & 1) throw new ZipFormatError("encrypted entries are not supported");
    if (entry.method !== 0 && entry.method !== 8) throw new ZipFormatError("unsupported compression");
    if (entry.offset + entry.compressedSize > source.size) throw new ZipFormatError("entry out of range");
    entries.set(entry.name, entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * An entry's uncompressed bytes as a stream, cut at its declared size: a stream that inflates to more than the
 * directory says errors instead of growing (a zip bomb cannot inflate past the size that was checked).
 */
export async function openEntry(source: ByteSource, entry: ZipEntry): Promise<ReadableStream<Uint8Array>> {
  const header = await source.read(entry.offset, 30);
  const hv = view(header);
  if (header.length < 30 || hv.getUint32(0, true) !== LOCAL) throw new ZipFormatError("bad local header");
  const start = entry.offset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  if (start + entry.compressedSize > source.size) throw new ZipFormatError("entry out of range");
  const raw = await source.stream(start, entry.compressedSize);
  const inflated =
    entry.method === 8
      ? raw.pipeThrough(
          new DecompressionStream("deflate-raw") as ReadableWritablePair<Uint8Array, Uint8Array>,
        )
      : raw;
  let seen = 0;
  return inflated.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > entry.size) throw new ZipFormatError(`${entry.name} is larger than declared`);
        controller.enqueue(chunk);
      },
      flush() {
        if (seen !== entry.size) throw new ZipFormatError(`${entry.name} is shorter than declared`);
      },
    }),
  );
}

/** An entry's bytes at once (for small entries: the manifest). */
export async function readEntry(source: ByteSource, entry: ZipEntry, limit: number): Promise<Uint8Array> {
  if (entry.size > limit) throw new ZipFormatError(`${entry.name} is too large`);
  return new Uint8Array(await new Response(await openEntry(source, entry)).arrayBuffer());
}

/**
 * Calls `onLine` for each line of an entry (UTF-8, `\n`-separated, the last line may lack its `\n`), passing the
 * raw bytes to `onBytes` first (for the checksum). Only one chunk and one partial line are held at a time; a
 * line longer than `maxLine` characters is an error.
 */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  maxLine: number,
  onBytes: (chunk: Uint8Array) => void | Promise<void>,
  onLine: (line: string) => void | Promise<void>,
): Promise<void> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let partial = "";
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = partial + decoder.decode(value, { stream: true });
    await onBytes(value);
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    if (partial.length > maxLine) throw new ZipFormatError("a line is too long");
    for (const line of lines) await onLine(line);
  }
  partial += decoder.decode();
  if (partial !== "") await onLine(partial);
}
