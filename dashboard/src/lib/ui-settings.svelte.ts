/** The settings that shape the dashboard itself (PocketBase's `meta.hideControls`), loaded with the shell. */
import { pb } from "./client";

/** Reactive: whether the collection create, edit and import controls are hidden. */
export const ui = $state({ hideControls: false });

/** Loads the UI settings; on failure the controls stay visible (the API still checks every change). */
export async function reloadUiSettings(): Promise<void> {
  try {
    const settings = await pb.settings.getAll();
    ui.hideControls = settings.meta?.hideControls === true;
  } catch {
    ui.hideControls = false;
  }
}
