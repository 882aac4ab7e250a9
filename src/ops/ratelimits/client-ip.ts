/** The client's IP under the `trustedProxy` settings: a trusted proxy header when set, else Cloudflare's own. */
import type { Settings } from "../settings/schema";

/** Reads the first configured header present (a list: leftmost or rightmost entry), else `cf-connecting-ip`. */
export function clientIpOf(
  header: (name: string) => string | undefined,
  proxy: Settings["trustedProxy"],
): string {
  for (const name of proxy.headers) {
    const value = header(name);
    if (!value) continue;
    const parts = value
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    const ip = proxy.useLeftmostIP ? parts[0] : parts.at(-1);
    if (ip) return ip.slice(0, 64);
  }
  return (header("cf-connecting-ip") ?? "").slice(0, 64);
}
