/** The one refusal a hook can answer: a client error (4xx) with the hook's message. */
import { ApiError, internalError } from "../lib/errors";

/** Throws the ApiError of `e.refuse(message, status)`; a status outside 4xx becomes a 400. */
export function refuse(message = "The request was refused.", status = 400): never {
  const valid = Number.isInteger(status) && status >= 400 && status < 500;
  throw new ApiError(valid ? status : 400, String(message));
}

/** Runs a before-hook: its own ApiError is its answer (e.g. a 403); anything else is a bug, a 500 without details. */
export async function runBeforeHook(run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw error instanceof ApiError ? error : internalError(error);
  }
}
