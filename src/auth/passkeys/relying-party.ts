/** The WebAuthn relying party (RP id and origin) of this deployment, derived from `APP_URL`. */
import { ApiError } from "../../lib/errors";
import type { AuthFlowDeps } from "../flows/deps";

/** Who the passkeys are for: the browser checks `id` against the page, the server checks `origin`. */
export interface RelyingParty {
  /** The host name of APP_URL (no port, no scheme). */
  id: string;
  /** The scheme, host and port of APP_URL, compared exactly with the client data's origin. */
  origin: string;
  /** Shown by the authenticator. */
  name: string;
}

/** The relying party, or a 503 when APP_URL is missing or not an http(s) URL (the log says what to set). */
export function relyingParty(deps: Pick<AuthFlowDeps, "appUrl" | "appName" | "log">): RelyingParty {
  let url: URL | undefined;
  try {
    url = deps.appUrl ? new URL(deps.appUrl) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    deps.log.error("passkeys need APP_URL (an http(s) URL): the request was refused");
    throw new ApiError(503, "Passkeys are not configured on this server (missing APP_URL).");
  }
  return { id: url.hostname, origin: url.origin, name: deps.appName };
}
