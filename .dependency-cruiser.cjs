/** Enforces ARCHITECTURE.md's one-way layering: a folder imports only from folders above it in the list. */
const layers = [
  "lib",
  "observability",
  "db",
  // File objects on R2: keys, names, content sniffing. Knows no collections or records.
  "storage",
  "rules",
  "collections",
  "records",
  // The cache's port and adapters know nothing above db; its read-cache/ policy reads records' types.
  "cache",
  "auth",
  "realtime",
  // Hooks run around records writes (a port records declare) and may read/write records and publish realtime.
  "hooks",
  "graphql",
  // Webhooks without code: the outbox (records' Outbox port), delivery through Queues, the sweep.
  "webhooks",
  "openapi",
  "ops",
  "http",
];

/** Each layer may not import from any layer that comes after it. */
const forbidden = layers.flatMap((layer, i) => {
  const later = layers.slice(i + 1);
  if (later.length === 0) return [];
  return [
    {
      name: `${layer}-imports-upward`,
      comment: `src/${layer} may only import from layers listed before it in ARCHITECTURE.md`,
      severity: "error",
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(${later.join("|")})/` },
    },
  ];
});

forbidden.push(
  {
    name: "hono-only-in-http",
    comment: "Only src/http (and the composition root) may import hono",
    severity: "error",
    from: { path: "^src/", pathNot: "^src/(http/|app\\.ts$|index\\.ts$)" },
    to: { path: "node_modules/hono/" },
  },
  {
    name: "nothing-imports-the-root",
    comment: "app.ts and index.ts are composition roots; modules never import them",
    severity: "error",
    from: { path: "^src/(?!app\\.ts$|index\\.ts$)" },
    to: { path: "^src/(app|index)\\.ts$" },
  },
  {
    name: "records-not-auth-or-realtime",
    comment: "records consume a RuleContext and emit through ChangeSink; they never import auth or realtime",
    severity: "error",
    from: { path: "^src/records/" },
    to: { path: "^src/(auth|realtime)/" },
  },
  {
    name: "no-circular",
    severity: "error",
    from: {},
    to: { circular: true },
  },
);

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "workerd"],
    },
  },
};
