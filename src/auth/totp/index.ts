/** TOTP authenticator apps (Edgebase extension): enrolment, recovery codes, and sign-in as an MFA method. */
export { confirmTotpEnrollment, disableTotp, enrollTotp, type TotpStatus, totpStatus } from "./manage";
export { authWithTotp, totpSignInSchema } from "./sign-in";
export { deleteTotp } from "./store";
