/** The CLI's one error type and its exit codes (stable: scripts and CI may test them). */

/** Exit codes of `edgebase`. */
export const EXIT = Object.freeze({
  ok: 0,
  /** The server refused or failed the request. */
  failed: 1,
  /** Bad usage or input: a missing file, invalid JSON, a missing setting. */
  input: 2,
  /** The server could not be reached. */
  unreachable: 3,
  /** The credentials or token were rejected. */
  auth: 4,
  /** The command stopped on purpose: data loss without --allow-data-loss, or a declined confirmation. */
  refused: 5,
});

/** A failure the CLI reports as one line on stderr and an exit code. */
export class CliError extends Error {
  /**
   * @param {string} message
   * @param {number} exitCode one of {@link EXIT}
   */
  constructor(message, exitCode = EXIT.failed) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
