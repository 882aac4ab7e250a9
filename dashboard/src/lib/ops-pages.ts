/**
 * The operations pages (logs, settings, backups, crons, webhooks, superusers): their routes and sidebar labels.
 * Each is imported when first opened, so none of them weighs on the first screen's JavaScript.
 */
import type { Component } from "svelte";

/** One page: `#/<route>` shows it. */
export interface OpsPage {
  route: string;
  label: string;
  load: () => Promise<{ default: Component }>;
}

/** In the sidebar's order. */
export const OPS_PAGES: OpsPage[] = [
  { route: "logs", label: "Logs", load: () => import("../pages/Logs.svelte") },
  { route: "settings", label: "Settings", load: () => import("../pages/Settings.svelte") },
  { route: "backups", label: "Backups", load: () => import("../pages/Backups.svelte") },
  { route: "crons", label: "Crons", load: () => import("../pages/Crons.svelte") },
  { route: "webhooks", label: "Webhooks", load: () => import("../pages/Webhooks.svelte") },
  { route: "superusers", label: "Superusers", load: () => import("../pages/Superusers.svelte") },
];

/** The page for the route's first segment, if it is one. */
export function opsPage(route: string | undefined): OpsPage | undefined {
  return OPS_PAGES.find((p) => p.route === route);
}
