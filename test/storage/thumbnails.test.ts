/** Thumbnails through GET /api/files: every mode's dimensions and crop anchor, each source format, bombs. */
import { PhotonImage } from "@cf-wasm/photon";
import jpeg from "jpeg-js";
// @ts-expect-error omggif ships no type declarations
import { GifWriter } from "omggif";
import { beforeAll, describe, expect, it } from "vitest";
import { fetchUrl, keysUnder, sdkAs } from "../http/routes/files-helpers";
import { createCollection, type Json } from "../records/harness";

const SIZES = ["10x10", "10x10t", "10x10b", "10x10f", "0x5", "5x0"];
let coll: { id: string };

/** RGBA pixels of a 20×40 image: the top half red, the bottom half blue. */
function halves(width = 20, height = 40): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.set(y < height / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], i);
    }
  }
  return data;
}

function png(width = 20, height = 40): Uint8Array {
  const image = new PhotonImage(halves(width, height), width, height);
  const bytes = image.get_bytes();
  image.free();
  return bytes;
}

function gif(): Uint8Array {
  const buf = new Uint8Array(4096);
  const writer = new GifWriter(buf, 20, 40, { palette: [0xff0000, 0x0000ff] });
  const indexed = Array.from({ length: 800 }, (_, i) => (Math.floor(i / 20) < 20 ? 0 : 1));
  writer.addFrame(0, 0, 20, 40, indexed);
  writer.addFrame(
    0,
    0,
    20,
    40,
    indexed.map(() => 1),
  );
  return buf.slice(0, writer.end());
}

/** Width, height and the colour (r, b) at the top and bottom rows' centre of a decoded image. */
function describeImage(bytes: Uint8Array, type: string) {
  let width: number;
  let height: number;
  let data: Uint8Array;
  // pngjs needs Node's zlib streams, which workerd lacks: PNG and WebP are decoded with photon.
  if (type === "image/jpeg") {
    const d = jpeg.decode(bytes, { useTArray: true });
    [width, height, data] = [d.width, d.height, d.data];
  } else {
    const d = PhotonImage.new_from_byteslice(bytes);
    [width, height, data] = [d.get_width(), d.get_height(), d.get_raw_pixels()];
    d.free();
  }
  const at = (y: number) => {
    const i = (y * width + Math.floor(width / 2)) * 4;
    return (data[i] ?? 0) > (data[i + 2] ?? 0) ? "red" : "blue";
  };
  return { width, height, top: at(0), bottom: at(height - 1) };
}

beforeAll(async () => {
  coll = await createCollection({
    name: "pics",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [{ name: "image", type: "file", maxSize: 1_000_000, thumbs: SIZES }],
  });
});

async function upload(bytes: Uint8Array, name: string) {
  return sdkAs(null)
    .collection("pics")
    .create({ image: new File([bytes], name) });
}

async function thumb(rec: Json, size: string) {
  const pb = sdkAs(null);
  const res = await fetchUrl(pb.files.getURL(rec, rec.image, { thumb: size }));
  expect(res.status).toBe(200);
  const type = res.headers.get("content-type") as string;
  return { type, ...describeImage(new Uint8Array(await res.arrayBuffer()), type) };
}

describe("thumbnails", () => {
  it("every mode on a PNG: dimensions and crop anchor", async () => {
    const rec = await upload(png(), "halves.png");
    expect(await thumb(rec, "10x10")).toMatchObject({ width: 10, height: 10, top: "red", bottom: "blue" });
    expect(await thumb(rec, "10x10t")).toMatchObject({ width: 10, height: 10, top: "red", bottom: "red" });
    expect(await thumb(rec, "10x10b")).toMatchObject({ width: 10, height: 10, top: "blue", bottom: "blue" });
    expect(await thumb(rec, "10x10f")).toMatchObject({ width: 5, height: 10, top: "red", bottom: "blue" });
    expect(await thumb(rec, "0x5")).toMatchObject({ width: 3, height: 5 });
    expect(await thumb(rec, "5x0")).toMatchObject({ width: 5, height: 10 });
    // A size the field does not list serves the original.
    expect(await thumb(rec, "7x7")).toMatchObject({ width: 20, height: 40 });
    const stored = await keysUnder(`${coll.id}/${rec.id}/thumbs_${rec.image}/`);
    expect(stored.sort()).toEqual(
      SIZES.map((s) => `${coll.id}/${rec.id}/thumbs_${rec.image}/${s}_${rec.image}`).sort(),
    );
    await sdkAs(null).collection("pics").delete(rec.id);
    expect(await keysUnder(`${coll.id}/${rec.id}/`)).toEqual([]);
  });

  it("JPEG, GIF (first frame) and WebP sources", async () => {
    const jpg = jpeg.encode({ data: halves(), width: 20, height: 40 }, 95).data;
    const j = await upload(new Uint8Array(jpg), "h.jpg");
    expect(await thumb(j, "10x10t")).toMatchObject({
      type: "image/jpeg",
      width: 10,
      height: 10,
      top: "red",
      bottom: "red",
    });
    const g = await upload(gif(), "h.gif");
    expect(await thumb(g, "10x10b")).toMatchObject({ type: "image/png", width: 10, height: 10, top: "blue" });
    expect(await thumb(g, "10x10t")).toMatchObject({ width: 10, height: 10, top: "red", bottom: "red" });
    const source = new PhotonImage(halves(), 20, 40);
    const webp = source.get_bytes_webp();
    source.free();
    const w = await upload(webp, "h.webp");
    expect(await thumb(w, "10x10")).toMatchObject({
      type: "image/webp",
      width: 10,
      height: 10,
      top: "red",
      bottom: "blue",
    });
  });

  it("a decompression bomb (a tiny PNG declaring 100000×100000) is never decoded: the original is served", async () => {
    const bomb = png(1, 1);
    const view = new DataView(bomb.buffer);
    view.setUint32(16, 100_000);
    view.setUint32(20, 100_000);
    const rec = await upload(bomb, "bomb.png");
    const res = await fetchUrl(sdkAs(null).files.getURL(rec, rec.image, { thumb: "10x10" }));
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bomb);
    expect(await keysUnder(`${coll.id}/${rec.id}/thumbs_`)).toEqual([]);
  });

  it("a non-image file with thumb= serves the original", async () => {
    const rec = await upload(new TextEncoder().encode("plain"), "a.txt");
    const res = await fetchUrl(sdkAs(null).files.getURL(rec, rec.image, { thumb: "10x10" }));
    expect(await res.text()).toBe("plain");
  });
});
