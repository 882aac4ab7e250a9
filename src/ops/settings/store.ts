/**
 * The settings store: the operator's overrides live in `_params` (key `settings`), merged over the defaults;
 * each isolate caches the result and re-reads the row at most once per schema check interval, so a change made
 * in one isolate is seen by every other within the same bound as a schema change.
 */
import { SCHEMA_CHECK_INTERVAL_MS } from "../../collections/store";
import type { D1Like } from "../../db/sql";
import { defaultSettings, type Settings, type SettingsEnv, settingsSchema } from "./schema";

/** The `_params` key holding the overrides (a JSON object of sections of fields). */
export const SETTINGS_KEY = "settings";

/** Stored overrides: a partial settings document. */
export type SettingsOverrides = Record<string, Record<string, unknown>>;

/** Options of a {@link SettingsStore}. */
export interface SettingsStoreOptions {
  /** Milliseconds between re-reads of the stored overrides. Default: the schema check interval. */
  checkIntervalMs?: number;
  clock?: () => number;
  /** Told when stored overrides fail validation (they are then ignored, and the defaults apply). */
  onInvalid?: (error: unknown) => void;
}

/** Merges overrides over the defaults, section by section. */
export function mergeSettings(defaults: Settings, overrides: SettingsOverrides): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [section, value] of Object.entries(overrides)) {
    const base = (defaults as unknown as Record<string, unknown>)[section];
    merged[section] = isPlainObject(value) && isPlainObject(base) ? { ...base, ...value } : value;
  }
  return merged;
}

/** True for `{…}` (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads the stored overrides ({} when none, or when the row is not an object). */
export async function readOverrides(db: D1Like): Promise<SettingsOverrides> {
  const row = await db
    .prepare("SELECT value FROM _params WHERE key = ?")
    .bind(SETTINGS_KEY)
    .first<{ value: string | null }>();
  if (!row?.value) return {};
  try {
    const parsed: unknown = JSON.parse(row.value);
    return isPlainObject(parsed) ? (parsed as SettingsOverrides) : {};
  } catch {
    return {};
  }
}

/** Writes the overrides (insert or replace). */
export async function writeOverrides(db: D1Like, overrides: SettingsOverrides): Promise<void> {
  await db
    .prepare(
      `INSERT INTO _params ("key", "value") VALUES (?, ?)
       ON CONFLICT("key") DO UPDATE SET "value" = excluded."value",
         "updated" = strftime('%Y-%m-%d %H:%M:%fZ', 'now')`,
    )
    .bind(SETTINGS_KEY, JSON.stringify(overrides))
    .run();
}

interface Cached {
  overrides: SettingsOverrides;
  settings: Settings;
  /** The environment defaults the settings were merged over (an app may serve several envs: tests do). */
  envKey: string;
}

/** The environment values settings default to, as one comparable key. */
function envKey(env: object): string {
  const e = env as SettingsEnv;
  return JSON.stringify([e.APP_URL, e.APP_NAME, e.MAIL_API_URL, e.MAIL_API_KEY, e.MAIL_FROM]);
}

/** Per-isolate cache of the effective settings; create one per app. */
export class SettingsStore {
  readonly #interval: number;
  readonly #clock: () => number;
  readonly #onInvalid: ((error: unknown) => void) | undefined;
  #cached: Cached | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking = false;

  constructor(options: SettingsStoreOptions = {}) {
    this.#interval = options.checkIntervalMs ?? SCHEMA_CHECK_INTERVAL_MS;
    this.#clock = options.clock ?? (() => Date.now());
    this.#onInvalid = options.onInvalid;
  }

  /**
   * The effective settings, re-read at most once per interval. As in the collection store, requests arriving
   * while one re-reads use the cached value rather than awaiting another request's I/O.
   */
  async get(db: D1Like, env: object): Promise<Settings> {
    const cached = this.#cached;
    if (cached && cached.envKey !== envKey(env)) return this.install(cached.overrides, env);
    if (cached && (this.#checking || this.#clock() - this.#checkedAt < this.#interval)) {
      return cached.settings;
    }
    this.#checking = true;
    try {
      const overrides = await readOverrides(db);
      return this.install(overrides, env);
    } finally {
      this.#checking = false;
    }
  }

  /** Re-reads the stored overrides now (the settings API answers with the latest). */
  async load(db: D1Like, env: object): Promise<Settings> {
    return this.install(await readOverrides(db), env);
  }

  /** The settings last installed in this isolate, if any (for code that cannot await, such as a log sink). */
  current(): Settings | undefined {
    return this.#cached?.settings;
  }

  /** Installs overrides just read or written (the writer's isolate sees its change at once). */
  install(overrides: SettingsOverrides, env: object): Settings {
    const result = settingsSchema.safeParse(mergeSettings(defaultSettings(env), overrides));
    if (!result.success) this.#onInvalid?.(result.error);
    const settings = result.success ? result.data : defaultSettings(env);
    const fresh = this.#cached?.overrides !== overrides;
    this.#cached = { overrides, settings, envKey: envKey(env) };
    if (fresh) this.#checkedAt = this.#clock();
    return settings;
  }
}
