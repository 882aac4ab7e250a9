/** Size limits of the auth flows' inputs (parsing itself is lib/parse-input.ts). */

/** Longest identity, email or OTP id accepted. */
export const MAX_IDENTITY_LENGTH = 320;
/** Longest password read at all (the policy refuses long ones on set; sign-in just fails beyond this). */
export const MAX_PASSWORD_INPUT_LENGTH = 1024;
/** Longest token read from a body. */
export const MAX_BODY_TOKEN_LENGTH = 4096;
