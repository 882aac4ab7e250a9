/**
 * The one PocketBase SDK client the dashboard talks through: every screen is also a compatibility test of the
 * API against the official SDK. The superuser session lives in localStorage under its own key.
 */
import PocketBase, { LocalAuthStore } from "pocketbase";

/** The API is served by the same Worker as the dashboard. */
export const pb = new PocketBase(location.origin, new LocalAuthStore("edgebase_dashboard_auth"));

// Screens fire parallel identical reads (a list refreshing on realtime events); cancelling them hides errors.
pb.autoCancellation(false);
