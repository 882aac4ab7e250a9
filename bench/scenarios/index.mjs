/** Every load scenario, in run order (creates last: they grow the table the others read). */
import ceiling from "./ceiling.mjs";
import createWebhook from "./create-webhook.mjs";
import files from "./files.mjs";
import graphql from "./graphql.mjs";
import listRule from "./list-rule.mjs";
import listSort from "./list-sort.mjs";
import logging from "./logging.mjs";
import realtimeFanout from "./realtime-fanout.mjs";
import scale from "./scale.mjs";
import tokenRefresh from "./token-refresh.mjs";
import viewCached from "./view-cached.mjs";
import viewCreate from "./view-create.mjs";

/** All scenarios; scenario 6 (bundle size, startup) is static and lives in lib/startup.mjs. */
export const SCENARIOS = [
  ...ceiling,
  ...listSort,
  ...listRule,
  ...scale,
  ...viewCached,
  ...viewCreate,
  ...tokenRefresh,
  ...realtimeFanout,
  ...graphql,
  ...files,
  ...createWebhook,
  ...logging,
].sort((a, b) => Number(a.id === "create") - Number(b.id === "create"));
