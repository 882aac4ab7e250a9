/** Soak entry for Edgebase: the shipped defaults (read cache and realtime on), logging warnings and errors. */
import { createEdgebase } from "../../src/index";

// Re-export everything (Durable Object classes included) so this entry satisfies wrangler.toml's bindings.
export * from "../../src/index";

// Warnings and errors only: the soak keeps every logged line of a 5xx, and a line per request would drown them.
export default createEdgebase({ logLevel: "warn" });
