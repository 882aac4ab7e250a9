/** What importing a schema would change, per collection and field (pure; unit-tested). */

/** The part of a collection the diff compares. */
export interface DiffCollection {
  id?: string;
  name: string;
  type?: string;
  system?: boolean;
  fields?: { id?: string; name: string; type: string; [option: string]: unknown }[];
  [key: string]: unknown;
}

/** One collection that the import changes. */
export interface CollectionChange {
  name: string;
  renamedFrom?: string;
  fieldsAdded: string[];
  fieldsRemoved: string[];
  fieldsChanged: string[];
  /** Other keys (rules, indexes, options) whose value differs. */
  settingsChanged: string[];
}

/** The whole preview. */
export interface SchemaDiff {
  added: string[];
  removed: string[];
  changed: CollectionChange[];
}

const IGNORED = new Set(["id", "name", "fields", "created", "updated"]);

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Matches by id first (so a rename is a change, not a remove + add), then by name, as the import API does. */
function match(current: DiffCollection[], item: DiffCollection): DiffCollection | undefined {
  return (item.id && current.find((c) => c.id === item.id)) || current.find((c) => c.name === item.name);
}

function fieldChanges(before: DiffCollection, after: DiffCollection): Omit<CollectionChange, "name"> {
  const old = before.fields ?? [];
  const neu = after.fields ?? [];
  const find = (list: typeof old, f: (typeof old)[number]) =>
    (f.id && list.find((x) => x.id === f.id)) || list.find((x) => x.name === f.name);
  const fieldsAdded = neu.filter((f) => !find(old, f)).map((f) => f.name);
  const fieldsRemoved = old.filter((f) => !find(neu, f)).map((f) => f.name);
  const fieldsChanged = neu
    .filter((f) => {
      const prior = find(old, f);
      return prior && stable(prior) !== stable(f);
    })
    .map((f) => f.name);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => !IGNORED.has(k)));
  const settingsChanged = [...keys]
    .filter((k) => k in after && stable(before[k]) !== stable(after[k]))
    .sort();
  return { fieldsAdded, fieldsRemoved, fieldsChanged, settingsChanged };
}

/** The changes an import of `incoming` makes to `current`; `deleteMissing` also removes what is not listed. */
export function diffSchemas(
  current: DiffCollection[],
  incoming: DiffCollection[],
  deleteMissing: boolean,
): SchemaDiff {
  const added: string[] = [];
  const changed: CollectionChange[] = [];
  for (const item of incoming) {
    const prior = match(current, item);
    if (!prior) {
      added.push(item.name);
      continue;
    }
    const change = fieldChanges(prior, item);
    const renamed = prior.name !== item.name;
    if (renamed || Object.values(change).some((list) => list.length > 0)) {
      changed.push({ name: item.name, ...(renamed ? { renamedFrom: prior.name } : {}), ...change });
    }
  }
  const removed = deleteMissing
    ? current.filter((c) => !c.system && !incoming.some((i) => match([c], i))).map((c) => c.name)
    : [];
  return { added, removed, changed };
}
