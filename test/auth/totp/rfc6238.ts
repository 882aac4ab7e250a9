/** An independent RFC 4226/6238 implementation for the tests (WebCrypto HMAC-SHA-1), never the library's. */

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Decodes RFC 4648 base32 (no padding). */
export function base32Decode(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/=+$/, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** HOTP (RFC 4226): 6 digits from HMAC-SHA-1 of the 8-byte big-endian counter. */
export async function hotp(secret: Uint8Array<ArrayBuffer>, counter: number): Promise<string> {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  const offset = (mac[19] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 1_000_000).padStart(6, "0");
}

/** TOTP (RFC 6238) at a time in milliseconds: 30-second steps. */
export function totpAt(base32Secret: string, timeMs: number): Promise<string> {
  return hotp(base32Decode(base32Secret), Math.floor(timeMs / 30_000));
}

/**
 * The previous step's code, for a confirm whose step must stay unused: taken at least 2 s before the current step
 * ends (it waits out a boundary that close), so the server, a moment later, still sees it within its ±1 window.
 */
export async function previousStepCode(base32Secret: string): Promise<string> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 2_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return totpAt(base32Secret, Date.now() - 30_000);
}
