/** Worker entry: the default Edgebase app and the Durable Object classes wrangler binds. */
import { createEdgebase } from "./app";

export { createEdgebase, type EdgebaseOptions } from "./app";
export { RateLimiter } from "./auth/rate-limiter";
export { UserSessions } from "./auth/user-sessions";
export type { BeforeRecordEvent, HookDefinition, RecordHookEvent } from "./hooks";
export { RealtimeClient } from "./realtime/client";
export { RealtimeHub } from "./realtime/hub";
export { RealtimeUser } from "./realtime/user-registry";

export default createEdgebase();
