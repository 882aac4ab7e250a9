/** Content sniffing (storage/mime.ts): magic numbers, text kinds, and a shared strict decoder that keeps no state. */
import { describe, expect, it } from "vitest";
import { effectiveType, sniffType } from "../../src/storage/mime";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe("sniffType", () => {
  it("recognises magic numbers, including bytes above 0x7f and at an offset", () => {
    expect(sniffType(bytes("\x89PNG\r\n\x1a\n", [0, 0]))).toBe("image/png");
    expect(sniffType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffType(bytes("RIFF", [1, 2, 3, 4], "WEBP"))).toBe("image/webp");
    expect(sniffType(bytes("RIFF", [1, 2, 3, 4], "WAVE"))).toBe("audio/wav");
    expect(sniffType(bytes([0, 0, 0, 0x20], "ftypavif"))).toBe("image/avif");
    expect(sniffType(bytes("7z", [0xbc, 0xaf, 0x27, 0x1c]))).toBe("application/x-7z-compressed");
    // A prefix of a magic number is not the number.
    expect(sniffType(bytes("\x89PN"))).toBe("application/octet-stream");
  });

  it("tells text kinds apart and refuses binary and invalid UTF-8", () => {
    expect(sniffType(bytes("hello world"))).toBe("text/plain");
    expect(sniffType(bytes("  <!DOCTYPE html><p>x"))).toBe("text/html");
    expect(sniffType(bytes('<?xml version="1.0"?><svg/>'))).toBe("image/svg+xml");
    expect(sniffType(bytes('{"a":1}'))).toBe("application/json");
    expect(sniffType(bytes("ab", [1], "cd"))).toBe("application/octet-stream");
    expect(sniffType(bytes("ab", [0xc3, 0x28]))).toBe("application/octet-stream");
  });

  it("does not carry a failed decode into the next sniff (the decoder is shared)", () => {
    // A truncated multi-byte sequence, then valid text: each sniff starts from a clean decoder.
    expect(sniffType(bytes("ab", [0xe2, 0x82]))).toBe("application/octet-stream");
    expect(sniffType(bytes([0xac], "<html>"))).toBe("application/octet-stream");
    expect(sniffType(bytes("<html>"))).toBe("text/html");
    expect(sniffType(bytes("caf", [0xc3, 0xa9]))).toBe("text/plain");
  });
});

describe("effectiveType", () => {
  it("never keeps a declared magic or active type the bytes do not prove", () => {
    expect(effectiveType("text/plain", "image/png")).toBe("text/plain");
    expect(effectiveType("text/plain", "text/html")).toBe("text/plain");
    expect(effectiveType("text/plain", "text/csv")).toBe("text/csv");
    expect(effectiveType("image/png", "text/plain")).toBe("image/png");
  });
});
