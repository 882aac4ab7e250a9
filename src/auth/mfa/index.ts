/** Multi-factor sign-in: the gate every sign-in passes (completeSignIn), the `_mfas` store and its clean-up. */
export { MfaRequiredError, mfaApplies, mfaGate, mfaIdShape } from "./gate";
export { clearPendingMfas, deleteExpiredMfas, MAX_MFA_ID_LENGTH, pendingProvenBy } from "./pending";
export { mfaClearingSink } from "./sink";
