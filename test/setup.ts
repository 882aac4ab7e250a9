/** Applies the system migrations to each test file's isolated D1 databases (DB, and LOGS for the logs). */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.LOGS, env.TEST_LOGS_MIGRATIONS);
