/** Builds the BenchContext the scenarios' request builders read: record ids, tokens and the owner's session. */
import { SignJWT } from "jose";
import { signIn } from "../edgebase/register.mjs";
import { BASELINE_JWT_SECRET, DATASETS } from "./config.mjs";
import { OWNER, postId, userId } from "./seed.mjs";

/** How many distinct records a view scenario rotates over. */
const VIEW_POOL = 256;

/**
 * @param {Map<string, string>} urls Worker name → base URL, from the running server
 * @returns {Promise<import("./scenario.mjs").BenchContext>}
 */
export async function buildContext(urls) {
  const ownerId = userId(OWNER);
  const edgebase = urls.get("edgebase-10k");
  const signedIn = edgebase
    ? await signIn(edgebase, { id: ownerId, email: `user${OWNER}@example.com` })
    : { session: null, error: "the 10k dataset is not loaded" };
  return {
    postIds: (ds) =>
      Array.from({ length: VIEW_POOL }, (_, i) => postId(1 + Math.floor((i * DATASETS[ds]) / VIEW_POOL))),
    ownerId,
    baselineToken: await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(ownerId)
      .setIssuedAt()
      .setExpirationTime("6h")
      .sign(new TextEncoder().encode(BASELINE_JWT_SECRET)),
    edgebaseSession: signedIn.session,
    edgebaseSessionError: signedIn.error,
  };
}
