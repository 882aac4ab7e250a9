/**
 * A streaming zip writer: each entry is deflated by the platform's `CompressionStream` as it is written and
 * followed by a data descriptor (its size and CRC are known only at the end), then the central directory closes
 * the archive. Bytes go to a sink as they are produced, so memory holds one chunk, not the archive. Plain zip
 * (no zip64): entries and the archive stay under 4 GiB, which {@link MAX_ZIP_BYTES} enforces.
 */

/** Where the archive's bytes go. */
export interface ZipSink {
  write(bytes: Uint8Array): Promise<void>;
}

/** Largest archive this writer makes (zip's 32-bit offsets, with room for the directory). */
export const MAX_ZIP_BYTES = 0xffffffff - 64 * 1024 * 1024;

/** Every entry's DOS date: 1980-01-01 (the manifest holds the real creation time). */
const DOS_DATE = (1 << 5) | 1;

let crcTable: Uint32Array | undefined;

/** CRC-32 (zip's), continued from `crc`. The table is built on first use (no work in global scope). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++)
    c = (crcTable[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

interface Written {
  name: Uint8Array;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** Thrown when the archive would outgrow plain zip. */
export class ZipTooLargeError extends Error {}

/** Writes entries one after another to a sink. */
export class ZipWriter {
  #offset = 0;
  #entries: Written[] = [];
  #current: {
    written: Written;
    writer: WritableStreamDefaultWriter<Uint8Array>;
    pump: Promise<void>;
  } | null = null;

  constructor(private readonly sink: ZipSink) {}

  async #emit(bytes: Uint8Array): Promise<void> {
    this.#offset += bytes.byteLength;
    if (this.#offset > MAX_ZIP_BYTES) throw new ZipTooLargeError("The backup would exceed 4 GiB.");
    await this.sink.write(bytes);
  }

  /** Starts an entry (the previous one must be ended). */
  async begin(name: string): Promise<void> {
    const written: Written = {
      name: new TextEncoder().encode(name),
      crc: 0,
      compressed: 0,
      size: 0,
      offset: this.#offset,
    };
    const header = new Uint8Array(30 + written.name.length);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 0x0808, true); // sizes in the data descriptor; UTF-8 names
    v.setUint16(8, 8, true);
    v.setUint16(12, DOS_DATE, true);
    v.setUint16(26, written.name.length, true);
    header.set(written.name, 30);
    await this.#emit(header);
    const deflate = new CompressionStream("deflate-raw") as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >;
    const reader = deflate.readable.getReader();
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        written.compressed += value.byteLength;
        await this.#emit(value);
      }
    })();
    // A failing sink surfaces at end(); until then the writer's own promises reject with it.
    pump.catch(() => {});
    this.#current = { written, writer: deflate.writable.getWriter(), pump };
  }

  /** Appends bytes to the current entry. */
  async write(bytes: Uint8Array): Promise<void> {
    const current = this.#current;
    if (!current) throw new Error("no entry begun");
    current.written.crc = crc32(bytes, current.written.crc);
    current.written.size += bytes.byteLength;
    if (current.written.size > MAX_ZIP_BYTES) throw new ZipTooLargeError("The backup would exceed 4 GiB.");
    const written = current.writer.write(bytes);
    written.catch(() => {});
    await Promise.race([written, current.pump.then(() => undefined)]);
  }

  /** Ends the current entry (its data descriptor follows the data). */
  async end(): Promise<void> {
    const current = this.#current;
    if (!current) throw new Error("no entry begun");
    await Promise.all([current.writer.close(), current.pump]);
    this.#current = null;
    const { written } = current;
    const descriptor = new Uint8Array(16);
    const v = new DataView(descriptor.buffer);
    v.setUint32(0, 0x08074b50, true);
    v.setUint32(4, written.crc, true);
    v.setUint32(8, written.compressed, true);
    v.setUint32(12, written.size, true);
    await this.#emit(descriptor);
    this.#entries.push(written);
  }

  /** Writes an entry at once. */
  async add(name: string, bytes: Uint8Array): Promise<void> {
    await this.begin(name);
    await this.write(bytes);
    await this.end();
  }

  /** Writes the central directory and the end record. */
  async finish(): Promise<void> {
    const start = this.#offset;
    for (const e of this.#entries) {
      const record = new Uint8Array(46 + e.name.length);
      const v = new DataView(record.buffer);
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, 20, true);
      v.setUint16(6, 20, true);
      v.setUint16(8, 0x0808, true);
      v.setUint16(10, 8, true);
      v.setUint16(14, DOS_DATE, true);
      v.setUint32(16, e.crc, true);
      v.setUint32(20, e.compressed, true);
      v.setUint32(24, e.size, true);
      v.setUint16(28, e.name.length, true);
      v.setUint32(42, e.offset, true);
      record.set(e.name, 46);
      await this.#emit(record);
    }
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, this.#entries.length, true);
    v.setUint16(10, this.#entries.length, true);
    v.setUint32(12, this.#offset - start, true);
    v.setUint32(16, start, true);
    await this.#emit(end);
  }
}
