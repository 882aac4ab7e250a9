/** The SDK and curl snippets the dashboard's "API preview" shows for a collection (pure; unit-tested). */

/** One operation: its title, the rule that guards it, and the two snippets. */
export interface PreviewSection {
  title: string;
  rule: string | null | undefined;
  sdk: string;
  curl: string;
}

/** The sections for `collection`, with URLs on `origin`. */
export function apiPreview(
  collection: { name: string; type: string; [rule: string]: unknown },
  origin: string,
): PreviewSection[] {
  const base = `${origin}/api/collections/${collection.name}/records`;
  const sdk = `const pb = new PocketBase("${origin}");\n`;
  const rule = (name: string) => collection[name] as string | null | undefined;
  const sections: PreviewSection[] = [
    {
      title: "List and search",
      rule: rule("listRule"),
      sdk: `${sdk}const page = await pb.collection("${collection.name}").getList(1, 20, {\n  filter: 'created >= "2024-01-01"',\n  sort: "-created",\n});`,
      curl: `curl '${base}?page=1&perPage=20&sort=-created'`,
    },
    {
      title: "View",
      rule: rule("viewRule"),
      sdk: `${sdk}const record = await pb.collection("${collection.name}").getOne("RECORD_ID");`,
      curl: `curl '${base}/RECORD_ID'`,
    },
  ];
  if (collection.type !== "view") {
    sections.push(
      {
        title: "Create",
        rule: rule("createRule"),
        sdk: `${sdk}const record = await pb.collection("${collection.name}").create({ /* fields */ });`,
        curl: `curl -X POST '${base}' -H 'content-type: application/json' -d '{}'`,
      },
      {
        title: "Update",
        rule: rule("updateRule"),
        sdk: `${sdk}const record = await pb.collection("${collection.name}").update("RECORD_ID", { /* fields */ });`,
        curl: `curl -X PATCH '${base}/RECORD_ID' -H 'content-type: application/json' -d '{}'`,
      },
      {
        title: "Delete",
        rule: rule("deleteRule"),
        sdk: `${sdk}await pb.collection("${collection.name}").delete("RECORD_ID");`,
        curl: `curl -X DELETE '${base}/RECORD_ID'`,
      },
      {
        title: "Realtime",
        rule: rule("listRule"),
        sdk: `${sdk}await pb.collection("${collection.name}").subscribe("*", (e) => console.log(e.action, e.record));`,
        curl: `curl -N '${origin}/api/realtime'`,
      },
    );
  }
  if (collection.type === "auth") {
    sections.push({
      title: "Sign in with password",
      rule: rule("authRule"),
      sdk: `${sdk}const auth = await pb.collection("${collection.name}").authWithPassword("EMAIL", "PASSWORD");`,
      curl: `curl -X POST '${origin}/api/collections/${collection.name}/auth-with-password' -H 'content-type: application/json' -d '{"identity":"EMAIL","password":"PASSWORD"}'`,
    });
  }
  return sections;
}

/** How a rule reads in the preview. */
export function describeRule(rule: string | null | undefined): string {
  if (rule === null || rule === undefined) return "Superusers only.";
  if (rule === "") return "Anyone.";
  return `Only when: ${rule}`;
}
