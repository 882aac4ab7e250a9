/** drizzle-kit configuration: system tables only, flat NNNN_name.sql output that wrangler and tests apply. */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
