/** Rate limits from the settings: rule lookup, per-isolate window counters and the client IP. */
export { clientIpOf } from "./client-ip";
export { findRule, type RateLimitRule, searchLabels } from "./labels";
export { MAX_TRACKED_KEYS, WindowCounter, type WindowResult } from "./window";
