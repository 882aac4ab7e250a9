/** Svelte compiler options for the dashboard (defaults: Svelte 5 runes, TypeScript in <script lang="ts">). */
export default {};
