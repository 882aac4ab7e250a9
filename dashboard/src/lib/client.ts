/**
 * The one PocketBase SDK client the dashboard talks through: every screen is also a compatibility test of the
 * API against the official SDK. The superuser session lives in localStorage under its own key.
 */
import PocketBase, { LocalAuthStore } from "pocketbase";
import { fileTokenSource } from "./file-token";

/** The API is served by the same Worker as the dashboard. */
export const pb = new PocketBase(location.origin, new LocalAuthStore("edgebase_dashboard_auth"));

// Screens fire parallel identical reads (a list refreshing on realtime events); cancelling them hides errors.
pb.autoCancellation(false);

/** The file token previews use (see file-token.ts), for the signed-in superuser. */
export const fileTokens = fileTokenSource(() => pb.files.getToken({ requestKey: null }));
// A token belongs to whoever asked for it: a sign-out or another sign-in drops it.
pb.authStore.onChange(() => fileTokens.clear());
