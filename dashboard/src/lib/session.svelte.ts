/**
 * The superuser session: signed in or not, refreshed on load, and ended when the API answers 401 (a session
 * revoked elsewhere signs the dashboard out on its next request).
 */
import type { AuthRecord } from "pocketbase";
import { pb } from "./client";

/** Reactive session state. */
export const session = $state<{ record: AuthRecord; checked: boolean }>({
  record: pb.authStore.isSuperuser ? pb.authStore.record : null,
  checked: false,
});

pb.authStore.onChange(() => {
  session.record = pb.authStore.isSuperuser ? pb.authStore.record : null;
});

pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.token) pb.authStore.clear();
  return data;
};

/** Confirms a stored session with the server once at start; an expired or revoked one is dropped. */
export async function checkSession(): Promise<void> {
  if (pb.authStore.isSuperuser) {
    try {
      await pb.collection("_superusers").authRefresh();
    } catch {
      pb.authStore.clear();
    }
  } else {
    pb.authStore.clear();
  }
  session.checked = true;
}

/** Signs out locally and on the server (the refresh session ends too). */
export async function signOut(): Promise<void> {
  try {
    await pb.send("/api/sessions/logout", { method: "POST" });
  } catch {
    // Already ended or unreachable: the local sign-out below still happens.
  }
  pb.authStore.clear();
}
