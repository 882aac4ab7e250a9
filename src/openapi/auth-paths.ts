/** The auth routes of one auth collection: auth methods, sign-ins, refresh, email flows, OTP, impersonation. */
import { passwordSignInSchema } from "../auth/flows/password-sign-in";
import { refreshSchema } from "../auth/flows/refresh";
import { oauth2SignInSchema } from "../auth/oauth2/sign-in";
import type { AuthCollection } from "../collections/collection";
import { SUPERUSERS } from "../collections/names";
import { errorResponses, param } from "./components";
import { recordSchema } from "./record-schemas";
import { jsonBody, type Operation, type Paths, response } from "./types";
import { fromZod } from "./zod-schema";

const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  properties,
  required,
});
const str = { type: "string" };

/**
 * The paths of an auth collection, and the schema of the record its sign-ins return: the record as it sees
 * itself (hidden fields only when it is a superuser), whoever reads the document.
 */
export function authPaths(collection: AuthCollection): { paths: Paths; schemas: Record<string, unknown> } {
  const base = `/api/collections/${collection.name}`;
  const tags = [collection.name];
  const name = `${collection.name}AuthRecord`;
  const self = { superuser: collection.name === SUPERUSERS, owner: true };
  const schemas = { [name]: recordSchema(collection, self) };
  const record = { $ref: `#/components/schemas/${name}` };
  const authResponse = object({ token: str, record, refreshToken: str }, ["token", "record"]);
  const mfaRequired = response(
    "MFA: the first factor succeeded; send `mfaId` with a different method to finish signing in.",
    object({ status: { type: "integer" }, message: str, data: { type: "object" }, mfaId: str }),
  );
  const mfaIdParam = {
    name: "mfaId",
    in: "query",
    required: false,
    description: "The `mfaId` of a pending MFA this (different) method completes; also accepted in the body.",
    schema: { type: "string", maxLength: 64 },
  };
  const signIn = (
    id: string,
    summary: string,
    body: Record<string, unknown>,
    description = "",
  ): Operation => ({
    operationId: `${id}_${collection.name}`,
    tags,
    summary,
    description:
      `${description} \`authRule\`: ${collection.authRule === null ? "locked" : `\`${collection.authRule}\``}.`.trim(),
    parameters: [param("expand"), param("fields"), mfaIdParam],
    requestBody: jsonBody(body),
    responses: {
      "200": response("Signed in.", authResponse),
      "401": mfaRequired,
      ...errorResponses("400", "429"),
    },
  });
  const withForbidden = (op: Operation): Operation => ({
    ...op,
    responses: { ...(op.responses as Record<string, unknown>), ...errorResponses("403") },
  });
  const noContent = (
    id: string,
    summary: string,
    body: Record<string, unknown>,
    description = "",
  ): Operation => ({
    operationId: `${id}_${collection.name}`,
    tags,
    summary,
    ...(description ? { description } : {}),
    requestBody: jsonBody(body),
    responses: { "204": response("Done."), ...errorResponses("400", "401", "429") },
  });
  const noEnumeration = "Answers 204 whether or not the account exists.";
  // Outside local dev a server without a mailer refuses these with a 503 rather than dropping the message.
  const mailing = (op: Operation): Operation => ({
    ...op,
    responses: { ...(op.responses as Record<string, unknown>), ...errorResponses("503") },
  });
  const paths: Paths = {
    [`${base}/auth-methods`]: {
      get: {
        operationId: `authMethods_${collection.name}`,
        tags,
        summary: "Enabled sign-in methods",
        responses: {
          "200": response(
            "The methods.",
            object({
              password: object({
                enabled: { type: "boolean" },
                identityFields: { type: "array", items: str },
              }),
              oauth2: object({ enabled: { type: "boolean" }, providers: { type: "array" } }),
              mfa: object({ enabled: { type: "boolean" }, duration: { type: "integer" } }),
              otp: object({ enabled: { type: "boolean" }, duration: { type: "integer" } }),
              totp: object({ standalone: { type: "boolean" } }),
            }),
          ),
          ...errorResponses("404"),
        },
      },
    },
    [`${base}/auth-with-password`]: {
      post: signIn("authWithPassword", "Sign in with a password", fromZod(passwordSignInSchema)),
    },
    [`${base}/auth-refresh`]: {
      post: {
        ...signIn(
          "authRefresh",
          "Renew the token",
          fromZod(refreshSchema),
          "With the current token in `Authorization` (renews its session: idle timeout restarted, absolute cap kept; " +
            "an impersonation token comes back unchanged with the record's fresh data); or with `refreshToken` " +
            "(single use, rotated).",
        ),
        parameters: [param("expand"), param("fields")],
        requestBody: { required: false, content: { "application/json": { schema: fromZod(refreshSchema) } } },
        security: [{ bearerAuth: [] }, {}],
        responses: {
          "200": response("Signed in.", authResponse),
          ...errorResponses("400", "401", "403", "429"),
        },
      },
    },
    [`${base}/request-otp`]: {
      post: {
        operationId: `requestOtp_${collection.name}`,
        tags,
        summary: "Email a one-time password",
        requestBody: jsonBody(object({ email: str })),
        responses: {
          "200": response("The OTP id.", object({ otpId: str })),
          ...errorResponses("400", "429", "503"),
        },
      },
    },
    [`${base}/auth-with-otp`]: {
      post: signIn(
        "authWithOtp",
        "Sign in with a one-time password",
        object({ otpId: str, password: str, mfaId: str }, ["otpId", "password"]),
      ),
    },
    [`${base}/auth-with-oauth2`]: {
      post: withForbidden(
        signIn(
          "authWithOAuth2",
          "Sign in with an OAuth2 provider's authorization code (links or creates the record)",
          fromZod(oauth2SignInSchema),
          "403 when the collection's OAuth2 sign-in is off (as PocketBase answers).",
        ),
      ),
    },
    [`${base}/request-verification`]: {
      post: mailing(
        noContent("requestVerification", "Email a verification link", object({ email: str }), noEnumeration),
      ),
    },
    [`${base}/confirm-verification`]: {
      post: noContent(
        "confirmVerification",
        "Confirm an email address",
        object({ token: str, password: str }, ["token"]),
        "Keeps the password only when the request is signed in as the record or carries its current password; " +
          "otherwise the password is replaced, the record re-keyed and every session ended.",
      ),
    },
    [`${base}/request-password-reset`]: {
      post: mailing(
        noContent(
          "requestPasswordReset",
          "Email a password reset link",
          object({ email: str }),
          noEnumeration,
        ),
      ),
    },
    [`${base}/confirm-password-reset`]: {
      post: noContent(
        "confirmPasswordReset",
        "Set a new password",
        object({ token: str, password: str, passwordConfirm: str }),
        "Ends every session of the account.",
      ),
    },
    [`${base}/request-email-change`]: {
      post: mailing({
        ...noContent("requestEmailChange", "Email a link to change the address", object({ newEmail: str })),
        security: [{ bearerAuth: [] }],
      }),
    },
    [`${base}/confirm-email-change`]: {
      post: noContent(
        "confirmEmailChange",
        "Confirm a new email address",
        object({ token: str, password: str }),
      ),
    },
    [`${base}/impersonate/{id}`]: {
      post: {
        ...signIn(
          "impersonate",
          "Sign in as a record (superusers)",
          object({ duration: { type: "integer", minimum: 0 } }, []),
          "A non-refreshable token for the record (auth-refresh returns it unchanged).",
        ),
        parameters: [{ name: "id", in: "path", required: true, schema: str }],
        security: [{ bearerAuth: [] }],
        responses: {
          "200": response("Signed in.", authResponse),
          ...errorResponses("400", "401", "403", "404"),
        },
      },
    },
  };
  return { paths, schemas };
}
