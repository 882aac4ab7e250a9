/** Bench entry for Edgebase: the shipped app with request logging off, plus every class src/index.ts exports. */
import { createEdgebase } from "../../src/index";

// Re-export everything (Durable Object classes included) so this entry satisfies wrangler.toml's bindings.
export * from "../../src/index";

// The read cache is off: scenarios 1-5 compare Edgebase's query path with the hand-written one, which has no
// cache. The cached path is measured on its own Worker (bench/workers/edgebase-cached.ts, scenario view-cached).
export default createEdgebase({ logLevel: "off", cache: false });
