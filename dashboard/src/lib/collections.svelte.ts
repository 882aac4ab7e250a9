/** The collections list every screen shares, reloaded after a schema change made here. */
import type { CollectionModel } from "pocketbase";
import { pb } from "./client";
import { describeError } from "./errors";

/** Reactive list of collections, with the last load error. */
export const schema = $state<{ list: CollectionModel[]; error: string; loaded: boolean }>({
  list: [],
  error: "",
  loaded: false,
});

/** Loads (or reloads) every collection, sorted by name. */
export async function reloadCollections(): Promise<void> {
  try {
    schema.list = await pb.collections.getFullList({ sort: "name" });
    schema.error = "";
  } catch (e) {
    schema.error = describeError(e).message;
  } finally {
    schema.loaded = true;
  }
}

/** The collection named `name` (or with that id), if loaded. */
export function findCollection(name: string | undefined): CollectionModel | undefined {
  return schema.list.find((c) => c.name === name || c.id === name);
}
