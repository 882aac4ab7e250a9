/** The passkey routes of one auth collection (an Edgebase extension: the SDK has no methods for them). */
import { registerSchema, signInOptionsSchema, signInSchema } from "../auth/passkeys/input";
import type { AuthCollection } from "../collections/collection";
import { errorResponses, param } from "./components";
import { jsonBody, type Operation, type Paths, ref, response } from "./types";
import { fromZod } from "./zod-schema";

const str = { type: "string" };
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  properties,
  required,
});

/** A passkey as its owner sees it (never key material). */
const passkeySchema = object({
  id: str,
  name: str,
  credentialId: { type: "string", description: "base64url" },
  transports: { type: "array", items: str },
  lastUsed: { type: "string", description: "Empty until the first sign-in with it." },
  created: str,
  updated: str,
});

const noAppUrl = {
  "503": response("Passkeys need `APP_URL` (the RP id and origin come from it).", ref("Error")),
};
const webauthnOptions = (what: string) =>
  response(`${what} (WebAuthn's JSON form; decode the base64url fields before calling the browser API).`, {
    type: "object",
    required: ["challenge"],
    properties: { challenge: str },
    additionalProperties: true,
  });

/** The passkey paths of `collection`; `recordSchema` names the record its sign-in returns. */
export function passkeyPaths(collection: AuthCollection, recordSchema: string): Paths {
  const base = `/api/collections/${collection.name}`;
  const tags = [collection.name];
  const id = (name: string) => `${name}_${collection.name}`;
  const signedIn = (op: Operation): Operation => ({ ...op, tags, security: [{ bearerAuth: [] }] });
  const authResponse = object(
    { token: str, record: { $ref: `#/components/schemas/${recordSchema}` }, refreshToken: str },
    ["token", "record"],
  );
  return {
    [`${base}/passkeys/registration-options`]: {
      post: signedIn({
        operationId: id("passkeyRegistrationOptions"),
        summary: "Options to register a passkey",
        description:
          "For `navigator.credentials.create()`. The challenge is bound to the caller, single use, and expires in 5 minutes.",
        responses: {
          "200": webauthnOptions("Creation options"),
          ...errorResponses("400", "401"),
          ...noAppUrl,
        },
      }),
    },
    [`${base}/passkeys`]: {
      get: signedIn({
        operationId: id("listPasskeys"),
        summary: "The caller's passkeys",
        responses: {
          "200": response("The passkeys.", object({ items: { type: "array", items: passkeySchema } })),
          ...errorResponses("401"),
        },
      }),
      post: signedIn({
        operationId: id("registerPasskey"),
        summary: "Register a passkey",
        description:
          "`credential` is the `PublicKeyCredential` from `navigator.credentials.create()` as JSON (`toJSON()`). Its origin must be `APP_URL`'s. At most 20 per user.",
        requestBody: jsonBody(fromZod(registerSchema)),
        responses: {
          "200": response("The new passkey.", passkeySchema),
          ...errorResponses("400", "401"),
          ...noAppUrl,
        },
      }),
    },
    [`${base}/passkeys/{id}`]: {
      delete: signedIn({
        operationId: id("deletePasskey"),
        summary: "Delete one of the caller's passkeys",
        parameters: [{ name: "id", in: "path", required: true, schema: str }],
        responses: { "204": response("Deleted."), ...errorResponses("401", "404") },
      }),
    },
    [`${base}/passkey-options`]: {
      post: {
        operationId: id("passkeySignInOptions"),
        tags,
        summary: "Options to sign in with a passkey",
        description:
          "For `navigator.credentials.get()`. Without `identity` any discoverable passkey of the collection may answer; with one, its passkeys are listed in `allowCredentials` (an unknown identity answers like no identity).",
        requestBody: {
          required: false,
          content: { "application/json": { schema: fromZod(signInOptionsSchema) } },
        },
        responses: {
          "200": webauthnOptions("Request options"),
          ...errorResponses("400", "429"),
          ...noAppUrl,
        },
      },
    },
    [`${base}/auth-with-passkey`]: {
      post: {
        operationId: id("authWithPasskey"),
        tags,
        summary: "Sign in with a passkey",
        description:
          "`credential` is the assertion from `navigator.credentials.get()` as JSON. Checked: the challenge (single use), origin and RP id, user verification, signature and a counter that only moves forward. Counts as the `passkey` MFA method (`mfaId`).",
        parameters: [param("expand"), param("fields")],
        requestBody: jsonBody(fromZod(signInSchema)),
        responses: {
          "200": response("Signed in.", authResponse),
          ...errorResponses("400", "429"),
          ...noAppUrl,
        },
      },
    },
  };
}
