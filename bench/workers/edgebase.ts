/** Bench entry for Edgebase: the shipped app with request logging off, plus every class src/index.ts exports. */
import { createEdgebase } from "../../src/index";

// Re-export everything (Durable Object classes included) so this entry satisfies wrangler.toml's bindings.
export * from "../../src/index";

export default createEdgebase({ logLevel: "off" });
