/** Light/dark theme: the system preference unless the user picked one (kept in localStorage). */

const KEY = "edgebase_dashboard_theme";

/** The theme in effect. */
export function currentTheme(): "light" | "dark" {
  const stored = localStorage.getItem(KEY);
  if (stored === "light" || stored === "dark") return stored;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Applies a theme to the document and remembers it. */
export function setTheme(theme: "light" | "dark"): void {
  localStorage.setItem(KEY, theme);
  document.documentElement.dataset.theme = theme;
}

document.documentElement.dataset.theme = currentTheme();
