/**
 * A streaming write to R2 in bounded memory: bytes are buffered up to one part, then sent as a multipart-upload
 * part (R2 wants every part but the last of one same size, at least 5 MiB). An object smaller than one part is
 * one plain `put`. Nothing is visible under the key until {@link R2Upload.close} completes.
 */

/** R2's smallest part (every part but the last must be this size or more, and all of one size). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** A buffered, streaming upload of one object. */
export class R2Upload {
  #buffer: Uint8Array;
  #filled = 0;
  #upload: R2MultipartUpload | null = null;
  #parts: R2UploadedPart[] = [];
  /** Bytes written so far. */
  written = 0;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly options: R2PutOptions,
    partBytes = MIN_PART_BYTES,
  ) {
    this.#buffer = new Uint8Array(Math.max(partBytes, MIN_PART_BYTES));
  }

  /** Appends bytes, sending each full part as it fills. */
  async write(bytes: Uint8Array): Promise<void> {
    this.written += bytes.byteLength;
    let at = 0;
    while (at < bytes.byteLength) {
      const n = Math.min(bytes.byteLength - at, this.#buffer.length - this.#filled);
      this.#buffer.set(bytes.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === this.#buffer.length) await this.#sendPart();
    }
  }

  async #sendPart(): Promise<void> {
    this.#upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
    const part = await this.#upload.uploadPart(this.#parts.length + 1, this.#buffer.slice(0, this.#filled));
    this.#parts.push(part);
    this.#filled = 0;
  }

  /** Sends what is left and makes the object visible. */
  async close(): Promise<void> {
    if (!this.#upload) {
      await this.bucket.put(this.key, this.#buffer.slice(0, this.#filled), this.options);
      return;
    }
    if (this.#filled > 0) await this.#sendPart();
    await this.#upload.complete(this.#parts);
  }

  /** Drops the parts sent so far (after a failure); never throws. */
  async abort(): Promise<void> {
    try {
      await this.#upload?.abort();
    } catch {
      // The upload expires on its own; the failure that led here is the one to report.
    }
  }
}
