/** Bindings that exist only in tests (set in vitest.config.ts). */
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_LOGS_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_MIGRATION_ENTRIES: { name: string; isDirectory: boolean }[];
    /** Samples per rules property test (empty: the default); see vitest.config.ts. */
    RULES_PROPERTY_RUNS: string;
    /** Replays a rules property test run with this fast-check seed. */
    RULES_PROPERTY_SEED: string;
    /** Multiplier of the hostile-input and fault model property tests' runs (empty: 1); see vitest.config.ts. */
    ROBUSTNESS_RUNS: string;
    /** Replays a hostile-input or fault model run with this fast-check seed. */
    ROBUSTNESS_SEED: string;
  }
}
