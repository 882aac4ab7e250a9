/** Builds an auth email for a record: the collection's template when it has one, else the built-in wording. */
import type { AuthCollection } from "../../collections/collection";
import {
  authAlertEmail,
  emailChangeEmail,
  type MailAppInfo,
  otpEmail,
  passwordResetEmail,
  templatedMail,
  verificationEmail,
} from "../mail-templates";
import type { MailMessage } from "../mailer";
import { toAuthRecord } from "./auth-records";
import type { AuthFlowDeps } from "./deps";

/** Which email, with what it carries. */
export type AuthMail =
  | { kind: "verification" | "passwordReset" | "emailChange"; token: string; link: string }
  | { kind: "otp"; otp: string; otpId: string }
  | { kind: "authAlert"; info: string };

function templateOf(collection: AuthCollection, mail: AuthMail) {
  switch (mail.kind) {
    case "verification":
      return collection.verificationTemplate;
    case "passwordReset":
      return collection.resetPasswordTemplate;
    case "emailChange":
      return collection.confirmEmailChangeTemplate;
    case "otp":
      return collection.otp.emailTemplate;
    case "authAlert":
      return collection.authAlert.emailTemplate;
  }
}

function builtIn(app: MailAppInfo, collection: AuthCollection, to: string, mail: AuthMail): MailMessage {
  switch (mail.kind) {
    case "verification":
      return verificationEmail(app, { to, link: mail.link });
    case "passwordReset":
      return passwordResetEmail(app, { to, link: mail.link });
    case "emailChange":
      return emailChangeEmail(app, { to, link: mail.link });
    case "otp":
      return otpEmail(app, { to, code: mail.otp, ttlSeconds: collection.otp.duration });
    case "authAlert":
      return authAlertEmail(app, { to, info: mail.info });
  }
}

/** The email `mail` for record `row` of `collection`, addressed to `to`. */
export function authMail(
  deps: Pick<AuthFlowDeps, "appName" | "appUrl">,
  collection: AuthCollection,
  row: Record<string, unknown>,
  to: string,
  mail: AuthMail,
): MailMessage {
  const values = {
    appName: deps.appName,
    appUrl: deps.appUrl ?? "",
    record: toAuthRecord(collection, row),
    ...("token" in mail ? { token: mail.token } : {}),
    ...(mail.kind === "otp" ? { otp: mail.otp, otpId: mail.otpId } : {}),
    ...(mail.kind === "authAlert" ? { alertInfo: mail.info } : {}),
  };
  return templatedMail(templateOf(collection, mail), to, values, collection.fields, () =>
    builtIn({ appName: deps.appName }, collection, to, mail),
  );
}
