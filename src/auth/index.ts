/** The public API of auth: what the endpoints, the auth middleware and app.ts import. */
export {
  authenticateAccessToken,
  type ResolvedToken,
  type ResolveTokenOptions,
  resolveToken,
  type TokenSubjectLoader,
} from "./authenticate";
export {
  actionUrl,
  emailChangeEmail,
  otpEmail,
  passwordResetEmail,
  verificationEmail,
} from "./mail-templates";
export {
  clearDevOutbox,
  createDevMailer,
  createHttpMailer,
  createMailer,
  type MailConfig,
  type Mailer,
  MailerError,
  type MailMessage,
  readDevOutbox,
} from "./mailer";
export { createOtp, generateOtpCode, hashOtpCode, OTP_DEFAULT_TTL_SECONDS, verifyOtpCode } from "./otp";
export {
  dummyVerify,
  hashPassword,
  type PasswordPolicy,
  PBKDF2_ITERATIONS,
  passwordPolicyError,
  verifyPassword,
} from "./password";
export {
  AUTH_RATE_LIMITS,
  assertAllowed,
  checkRateLimit,
  enforceRateLimit,
  rateLimitKey,
} from "./rate-limit";
export { RateLimiter, type RateLimitResult } from "./rate-limiter";
export {
  createSessionChecker,
  SESSION_CHECK_CACHE_MS,
  type SessionChecker,
  type SessionRef,
} from "./session-check";
export { composeRefreshToken, parseRefreshToken, userSessionsStub } from "./session-routing";
export { TokenError, type TokenErrorReason, tokenWwwAuthenticate } from "./token-error";
export { generateTokenKey, generateTokenSecret } from "./token-keys";
export {
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_TOKEN_LENGTH,
  peekToken,
  signToken,
  type TokenClaims,
  type TokenType,
  verifyToken,
} from "./tokens";
export {
  type IssuedSession,
  type RefreshFailure,
  type RefreshResult,
  type SessionInfo,
  UserSessions,
} from "./user-sessions";
