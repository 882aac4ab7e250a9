/** Bench entry for Edgebase with its KV read cache on (the default): serves the view-cached scenario. */
import { createEdgebase } from "../../src/index";

// Re-export everything (Durable Object classes included) so this entry satisfies wrangler.toml's bindings.
export * from "../../src/index";

export default createEdgebase({ logLevel: "off" });
