/** Settings: the document's schema and defaults, the per-isolate store, and the API's read and update. */
export {
  defaultSettings,
  LOG_LEVELS,
  SECRET_PATHS,
  type Settings,
  type SettingsEnv,
  settingsSchema,
} from "./schema";
export { SETTINGS_KEY, SettingsStore, type SettingsStoreOptions } from "./store";
export { emailBindingOf, maskSettings, type SettingsDeps, updateSettings } from "./update";
