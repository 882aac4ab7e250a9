/** Reading and changing settings as the API serves them: secrets masked on read, kept when a PATCH omits them. */

import type { D1Like } from "../../db/sql";
import { badRequest, type ErrorData } from "../../lib/errors";
import { issuesData, VALIDATION_MESSAGE } from "../../lib/parse-input";
import { defaultSettings, SECRET_PATHS, type Settings, settingsSchema } from "./schema";
import {
  isPlainObject,
  mergeSettings,
  readOverrides,
  type SettingsOverrides,
  type SettingsStore,
  writeOverrides,
} from "./store";

/** Settings as served: every secret field left out (PocketBase omits them too). */
export function maskSettings(settings: Settings): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(settings)) out[section] = { ...fields };
  for (const [section, field] of SECRET_PATHS) delete out[section]?.[field];
  return out;
}

/** What a settings change needs: the primary D1, the environment defaults and the isolate's store. */
export interface SettingsDeps {
  db: D1Like;
  env: object;
  store: SettingsStore;
}

/**
 * Applies a PATCH body: its sections' fields are merged into the stored overrides, the result is validated as a
 * whole (errors by path, e.g. `logs.maxDays`), stored, and installed in this isolate. An empty or absent secret
 * keeps the stored one.
 */
export async function updateSettings(deps: SettingsDeps, body: unknown): Promise<Settings> {
  if (!isPlainObject(body)) throw badRequest(VALIDATION_MESSAGE, { body: invalid("Must be an object.") });
  const defaults = defaultSettings(deps.env);
  const unknown: ErrorData = {};
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(defaults, key)) unknown[key] = invalid("Unknown settings section.");
  }
  if (Object.keys(unknown).length > 0) throw badRequest(VALIDATION_MESSAGE, unknown);

  const overrides: SettingsOverrides = await readOverrides(deps.db);
  for (const [section, value] of Object.entries(body)) {
    if (!isPlainObject(value))
      throw badRequest(VALIDATION_MESSAGE, { [section]: invalid("Must be an object.") });
    const patch = { ...value };
    for (const [s, field] of SECRET_PATHS) if (s === section && !patch[field]) delete patch[field];
    overrides[section] = { ...overrides[section], ...patch };
  }
  const result = settingsSchema.safeParse(mergeSettings(defaults, overrides));
  if (!result.success) throw badRequest(VALIDATION_MESSAGE, issuesData(result.error.issues));
  // A transport turned on without its binding would be a setting that sends nothing.
  if (result.data.mail.emailBinding && !emailBindingOf(deps.env)) {
    throw badRequest(VALIDATION_MESSAGE, {
      "mail.emailBinding": invalid(
        "This Worker has no EMAIL send_email binding (see README, Mail transports).",
      ),
    });
  }
  await writeOverrides(deps.db, overrides);
  return deps.store.install(overrides, deps.env);
}

/** The Worker's Email Service binding (`[[send_email]] name = "EMAIL"` in wrangler.toml), when configured. */
export function emailBindingOf(env: object): SendEmail | undefined {
  const binding = (env as { EMAIL?: SendEmail }).EMAIL;
  return binding && typeof binding.send === "function" ? binding : undefined;
}

function invalid(message: string) {
  return { code: "validation_invalid_value", message };
}
