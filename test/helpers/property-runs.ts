/**
 * fast-check settings of the hostile-input and fault model tests: a fixed seed in `npm test`, and
 * `ROBUSTNESS_RUNS=N` (a multiplier) / `ROBUSTNESS_SEED=S` to run longer or replay a run (vitest.config.ts).
 */
import { env } from "cloudflare:workers";

/** How many times the default runs `ROBUSTNESS_RUNS` asks for (1 when unset). */
export const RUNS_SCALE = Math.max(1, Math.floor(Number(env.ROBUSTNESS_RUNS || 1)) || 1);

/** `{ numRuns, seed }` for a property whose `npm test` default is `runs`, with its own fixed `seed`. */
export function propertyRuns(runs: number, seed: number): { numRuns: number; seed: number } {
  return { numRuns: runs * RUNS_SCALE, seed: env.ROBUSTNESS_SEED ? Number(env.ROBUSTNESS_SEED) : seed };
}
