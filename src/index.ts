/** Worker entry: the default Edgebase app and the Durable Object classes wrangler binds. */
import { createEdgebase } from "./app";

export { createEdgebase, type EdgebaseOptions } from "./app";
export { RateLimiter } from "./auth/rate-limiter";
export { UserSessions } from "./auth/user-sessions";
export type { BeforeRecordEvent, HookDefinition, RecordHookEvent, TypedHooks } from "./hooks";
export { typedHooks } from "./hooks";
export { RealtimeClient } from "./realtime/client";
export type { RealtimePublisher } from "./realtime/custom-publish";
export { RealtimeHub } from "./realtime/hub";
export type { PublishOptions } from "./realtime/topic-messages";
export { RealtimeUser } from "./realtime/user-registry";

export default createEdgebase();
