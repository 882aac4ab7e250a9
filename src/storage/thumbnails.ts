/**
 * Thumbnails with PocketBase's sizes: `WxH` (crop to fill, centred), `WxHt` / `WxHb` (anchored top / bottom),
 * `WxHf` (fit inside, never enlarged), `0xH` / `Wx0` (one side, aspect kept). Decoding uses the photon WASM
 * library, imported on first use so requests that make no thumbnail never load or instantiate it.
 */
import { imageSize } from "./image-size";

/** Image types thumbnails are made for (GIFs: the first frame). */
export const THUMB_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
/** Largest source image decoded (pixels): a small file declaring huge dimensions is refused before decoding. */
export const MAX_THUMB_SOURCE_PIXELS = 25_000_000;

/** A parsed thumb size. */
export interface ThumbSpec {
  width: number;
  height: number;
  mode: "center" | "top" | "bottom" | "fit";
}

/** Parses `WxH[t|b|f]`; undefined for anything else (or 0x0). */
export function parseThumb(size: string): ThumbSpec | undefined {
  const match = /^(\d{1,4})x(\d{1,4})([tbf])?$/.exec(size);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width === 0 && height === 0) return undefined;
  const mode = match[3] === "t" ? "top" : match[3] === "b" ? "bottom" : match[3] === "f" ? "fit" : "center";
  return { width, height, mode };
}

type Photon = typeof import("@cf-wasm/photon/others");
let photonLoaded: Promise<Photon> | undefined;

/**
 * photon and its 1.5 MB WASM, loaded on the first thumbnail. The package's default entry imports the WASM
 * statically, which the bundler hoists into the Worker's startup: every isolate compiled it before its first
 * request (~1 s of script startup). The `others` entry takes the module at init instead.
 */
function loadPhoton(): Promise<Photon> {
  photonLoaded ??= (async () => {
    const [photon, wasm] = await Promise.all([
      import("@cf-wasm/photon/others"),
      import("@cf-wasm/photon/photon.wasm"),
    ]);
    if (!photon.initPhoton.initialized) photon.initPhoton.sync({ module: wasm.default });
    return photon;
  })();
  return photonLoaded;
}

/** Why no thumbnail was made. */
export class ThumbError extends Error {
  override name = "ThumbError";
}

/**
 * Makes the thumb of an image: PNG for PNG and GIF sources, JPEG for JPEG, WebP for WebP. Throws ThumbError for
 * unreadable or oversized sources.
 */
export async function makeThumb(
  bytes: Uint8Array,
  type: string,
  spec: ThumbSpec,
): Promise<{ bytes: Uint8Array; type: string }> {
  const size = imageSize(bytes, type);
  if (!size || size.width === 0 || size.height === 0) throw new ThumbError("unreadable image header");
  if (size.width * size.height > MAX_THUMB_SOURCE_PIXELS) throw new ThumbError("image too large to decode");
  const photon = await loadPhoton();
  let image: InstanceType<typeof photon.PhotonImage> | undefined;
  const owned: { free(): void }[] = [];
  try {
    image = photon.PhotonImage.new_from_byteslice(bytes);
    owned.push(image);
    const w = image.get_width();
    const h = image.get_height();
    const filter = photon.SamplingFilter.Lanczos3;
    let out = image;
    if (spec.width === 0 || spec.height === 0) {
      const tw = spec.width || Math.max(1, Math.round((w * spec.height) / h));
      const th = spec.height || Math.max(1, Math.round((h * spec.width) / w));
      out = photon.resize(image, tw, th, filter);
      owned.push(out);
    } else if (spec.mode === "fit") {
      const scale = Math.min(spec.width / w, spec.height / h, 1);
      out = photon.resize(
        image,
        Math.max(1, Math.round(w * scale)),
        Math.max(1, Math.round(h * scale)),
        filter,
      );
      owned.push(out);
    } else {
      const scale = Math.max(spec.width / w, spec.height / h);
      const rw = Math.max(spec.width, Math.round(w * scale));
      const rh = Math.max(spec.height, Math.round(h * scale));
      const resized = photon.resize(image, rw, rh, filter);
      owned.push(resized);
      const x = Math.floor((rw - spec.width) / 2);
      const y =
        spec.mode === "top"
          ? 0
          : spec.mode === "bottom"
            ? rh - spec.height
            : Math.floor((rh - spec.height) / 2);
      out = photon.crop(resized, x, y, x + spec.width, y + spec.height);
      owned.push(out);
    }
    if (type === "image/jpeg") return { bytes: out.get_bytes_jpeg(85), type };
    if (type === "image/webp") return { bytes: out.get_bytes_webp(), type };
    return { bytes: out.get_bytes(), type: "image/png" };
  } catch (err) {
    if (err instanceof ThumbError) throw err;
    throw new ThumbError("the image could not be decoded", { cause: err });
  } finally {
    for (const o of owned) o.free();
  }
}

/**
 * The key of the `size` thumb of the object at `originalKey`, made and stored at `key` on first request (later
 * requests find it). Undefined when the original is not a thumbnailable image or cannot be decoded: the caller
 * then serves the original, as PocketBase does.
 */
export async function ensureThumb(
  bucket: Pick<R2Bucket, "head" | "get" | "put">,
  originalKey: string,
  key: string,
  size: string,
): Promise<string | undefined> {
  const spec = parseThumb(size);
  if (!spec) return undefined;
  if (await bucket.head(key)) return key;
  const original = await bucket.get(originalKey);
  const type = original?.httpMetadata?.contentType ?? "";
  if (!original || !THUMB_TYPES.has(type)) {
    await original?.body.cancel();
    return undefined;
  }
  try {
    const thumb = await makeThumb(new Uint8Array(await original.arrayBuffer()), type, spec);
    await bucket.put(key, thumb.bytes, { httpMetadata: { contentType: thumb.type } });
    return key;
  } catch (err) {
    if (err instanceof ThumbError) return undefined;
    throw err;
  }
}
