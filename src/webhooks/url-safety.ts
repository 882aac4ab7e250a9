/**
 * Outbound URL safety for webhook deliveries: http(s) only, and no loopback, private, link-local, shared
 * (CGNAT), multicast or IPv6 unique-local addresses outside local development. Host names are checked by
 * name only (`localhost`, `*.localhost`): a Worker cannot resolve DNS before fetch, and Cloudflare's edge
 * does not route to private networks anyway.
 */

/** Why a URL may not be called, or undefined when it may. */
export function unsafeUrlReason(raw: string, options: { dev: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "The webhook URL is not a valid URL.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return "Only http and https webhook URLs are allowed.";
  if (url.username !== "" || url.password !== "") return "Webhook URLs may not carry credentials.";
  if (options.dev) return undefined;
  const host = url.hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return "Loopback webhook URLs are not allowed.";
  const v4 = parseIPv4(host);
  if (v4 && isPrivateIPv4(v4)) return "Private and loopback addresses are not allowed.";
  if (host.startsWith("[") && isPrivateIPv6(host.slice(1, -1))) {
    return "Private and loopback addresses are not allowed.";
  }
  return undefined;
}

/** The four octets of a dotted IPv4 address (the URL parser has already normalized other notations). */
function parseIPv4(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function isPrivateIPv4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // shared address space (CGNAT)
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

/** The eight 16-bit groups of an IPv6 address as the URL parser serializes it (hex groups, at most one `::`). */
function parseIPv6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string | undefined) => (s ? s.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(halves[0]);
  const right = parse(halves[1]);
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  if (fill < 0) return undefined;
  const groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

function isPrivateIPv6(text: string): boolean {
  const g = parseIPv6(text);
  if (!g) return true; // unparseable: refuse rather than guess
  const [g0 = 0, , , , , g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroPrefix = g.slice(0, 5).every((x) => x === 0);
  if (zeroPrefix && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return true; // :: and ::1
  if (zeroPrefix && g5 === 0xffff) return isPrivateIPv4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]); // ::ffff:a.b.c.d
  return (
    (g0 & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (g0 & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (g0 & 0xff00) === 0xff00 || // multicast
    (g0 === 0x64 && g[1] === 0xff9b) // NAT64 of an IPv4 address: cannot tell which
  );
}
