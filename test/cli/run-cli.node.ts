/** Runs the `edgebase` CLI as a child process (as a user would) and captures its exit code and output. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The CLI entry point. */
export const CLI = join(import.meta.dirname, "..", "..", "cli", "index.mjs");

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `edgebase ...args` in `cwd` with exactly `env` (plus PATH, so wrangler resolves) and no terminal. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
