/** The TOTP routes of one auth collection (Edgebase extension): status, enrol, confirm, disable, `auth-with-totp`. */
import { totpSignInSchema } from "../auth/totp";
import type { AuthCollection } from "../collections/collection";
import { errorResponses, param } from "./components";
import { jsonBody, type Operation, type Paths, response } from "./types";
import { fromZod } from "./zod-schema";

const str = { type: "string" };
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  properties,
  required,
});

/** The TOTP paths of an auth collection; `record` is the `$ref` of the record its sign-in returns. */
export function totpPaths(collection: AuthCollection, record: Record<string, unknown>): Paths {
  const base = `/api/collections/${collection.name}`;
  const tags = [collection.name];
  const signedIn = (id: string, summary: string, description: string): Operation => ({
    operationId: `${id}_${collection.name}`,
    tags,
    summary,
    description,
    security: [{ bearerAuth: [] }],
  });
  return {
    [`${base}/totp`]: {
      get: {
        ...signedIn(
          "totpStatus",
          "The caller's authenticator app",
          "Signed in as a record of this collection. Whether a confirmed authenticator is enabled (a pending enrolment is not) and how many recovery codes are left; never the secret.",
        ),
        responses: {
          "200": response(
            "The status.",
            object({ enabled: { type: "boolean" }, recoveryCodesLeft: { type: "integer", minimum: 0 } }),
          ),
          ...errorResponses("401", "404"),
        },
      },
    },
    [`${base}/totp/enroll`]: {
      post: {
        ...signedIn(
          "totpEnroll",
          "Start enrolling an authenticator app",
          "Signed in as a record of this collection. Returns a new secret and its `otpauth://` URI (show it as a QR code); replaces a pending enrolment, refused (400) while one is enabled.",
        ),
        responses: {
          "200": response("The secret.", object({ secret: str, uri: str })),
          ...errorResponses("400", "401"),
        },
      },
    },
    [`${base}/totp/confirm`]: {
      post: {
        ...signedIn(
          "totpConfirm",
          "Enable the authenticator app with a first code",
          "Returns 10 single-use recovery codes, shown only now.",
        ),
        requestBody: jsonBody(object({ code: str })),
        responses: {
          "200": response(
            "Enabled.",
            object({ recoveryCodes: { type: "array", items: str, minItems: 10, maxItems: 10 } }),
          ),
          ...errorResponses("400", "401", "429"),
        },
      },
    },
    [`${base}/totp/disable`]: {
      post: {
        ...signedIn(
          "totpDisable",
          "Disable the authenticator app",
          "With a current code, a recovery code or the password.",
        ),
        requestBody: jsonBody(object({ code: str, password: str }, [])),
        responses: { "204": response("Disabled."), ...errorResponses("400", "401", "429") },
      },
    },
    [`${base}/auth-with-totp`]: {
      post: {
        operationId: `authWithTotp_${collection.name}`,
        tags,
        summary: "Sign in with an authenticator or recovery code",
        description:
          "With `mfaId` it completes a pending MFA; with `identity` it starts one (401 with `mfaId`) where the collection's MFA applies to the record. Where MFA does not apply, `identity` signs in alone only if the collection's `totp.standalone` is on (else 400).",
        parameters: [param("expand"), param("fields")],
        requestBody: jsonBody(fromZod(totpSignInSchema)),
        responses: {
          "200": response(
            "Signed in.",
            object({ token: str, record, refreshToken: str }, ["token", "record"]),
          ),
          "401": response(
            "MFA: send `mfaId` with a different method to finish signing in.",
            object({ status: { type: "integer" }, message: str, data: { type: "object" }, mfaId: str }),
          ),
          ...errorResponses("400", "429"),
        },
      },
    },
  };
}
