/** Bindings that exist only in tests (set in vitest.config.ts). */
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_MIGRATION_ENTRIES: { name: string; isDirectory: boolean }[];
  }
}
