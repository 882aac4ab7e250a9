/**
 * How each provider's profile becomes the signed-in user (PocketBase's tools/auth/*.go mappings). `email` is
 * set only where the provider asserts it is verified: it is what links an existing account, so an unverified
 * address must never appear there.
 */

/** The user fields read from a provider's profile. */
export interface MappedUser {
  id: string;
  name: string;
  username: string;
  /** A verified email, or "". */
  email: string;
  avatarURL: string;
}

/**
 * Maps a profile (the ID token's claims merged with the userinfo answer) and, for providers with an emails
 * endpoint, that endpoint's answer (undefined when it gave none).
 */
export type UserMapper = (profile: Record<string, unknown>, emails: unknown) => MappedUser;

function text(value: unknown): string {
  if (typeof value === "string") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : "";
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `true` or the string "true" (Apple sends either). */
function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

const oidc: UserMapper = (p) => ({
  id: text(p.sub),
  name: text(p.name),
  username: text(p.preferred_username),
  email: isTrue(p.email_verified) ? text(p.email) : "",
  avatarURL: text(p.picture),
});

const google: UserMapper = (p, e) => ({ ...oidc(p, e), username: "" });

const apple: UserMapper = (p, e) => ({ ...oidc(p, e), username: "", avatarURL: "" });

const github: UserMapper = (p, emails) => {
  const primary = list(emails)
    .map(record)
    .find((e) => e.verified === true && e.primary === true);
  return {
    id: text(p.id),
    name: text(p.name),
    username: text(p.login),
    email: text(primary?.email),
    avatarURL: text(p.avatar_url),
  };
};

const gitlab: UserMapper = (p) => {
  const confirmed = text(p.confirmed_at);
  return {
    id: text(p.id),
    name: text(p.name),
    username: text(p.username),
    email: confirmed && !Number.isNaN(Date.parse(confirmed)) ? text(p.email) : "",
    avatarURL: text(p.avatar_url),
  };
};

/**
 * Microsoft Graph's `mail` is whatever the tenant's admin typed, never verified (the "nOAuth" takeover):
 * stricter than PocketBase's default, it is not used to link, so Microsoft sign-ins never link by email.
 */
const microsoft: UserMapper = (p) => ({
  id: text(p.id),
  name: text(p.displayName),
  username: "",
  email: "",
  avatarURL: "",
});

const discord: UserMapper = (p) => {
  const id = text(p.id);
  const username = text(p.username);
  const discriminator = text(p.discriminator);
  const tagged = discriminator && discriminator !== "0" ? `${username}#${discriminator}` : username;
  const avatar = text(p.avatar);
  return {
    id,
    name: text(p.global_name) || tagged,
    username,
    email: p.verified === true ? text(p.email) : "",
    avatarURL: avatar ? `https://cdn.discordapp.com/avatars/${id}/${avatar}.png` : "",
  };
};

/** Facebook returns only a confirmed email (PocketBase trusts it too). */
const facebook: UserMapper = (p) => ({
  id: text(p.id),
  name: text(p.name),
  username: "",
  email: text(p.email),
  avatarURL: text(record(record(p.picture).data).url),
});

/** X returns `confirmed_email` only for a confirmed address. */
const twitter: UserMapper = (p) => {
  const d = record(p.data);
  return {
    id: text(d.id),
    name: text(d.name),
    username: text(d.username),
    email: text(d.confirmed_email),
    avatarURL: text(d.profile_image_url),
  };
};

/** Twitch's `email` is the account's verified address. */
const twitch: UserMapper = (p) => {
  const d = record(list(p.data)[0]);
  return {
    id: text(d.id),
    name: text(d.display_name),
    username: text(d.login),
    email: text(d.email),
    avatarURL: text(d.profile_image_url),
  };
};

const spotify: UserMapper = (p) => ({
  id: text(p.id),
  name: text(p.display_name),
  username: "",
  email: "",
  avatarURL: text(record(list(p.images)[0]).url),
});

/** An inactive Bitbucket account has no id, so it cannot sign in (PocketBase refuses it too). */
const bitbucket: UserMapper = (p, emails) => {
  const primary = list(record(emails).values)
    .map(record)
    .find((e) => e.is_primary === true && e.is_confirmed === true);
  return {
    id: p.account_status === "active" ? text(p.uuid) : "",
    name: text(p.display_name),
    username: text(p.username),
    email: text(primary?.email),
    avatarURL: text(record(record(p.links).avatar).href),
  };
};

/** The mapper of each provider. */
export const USER_MAPS = {
  oidc,
  oidc2: oidc,
  oidc3: oidc,
  linkedin: oidc,
  apple,
  bitbucket,
  discord,
  facebook,
  github,
  gitlab,
  google,
  microsoft,
  spotify,
  twitch,
  twitter,
} satisfies Record<string, UserMapper>;
