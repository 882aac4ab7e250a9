/** Collections: definitions, field types, the schema engine and the admin capabilities. */
export { type CollectionDeps, changeSchema, type SchemaChange } from "./apply";
export {
  AUTH_RULE_NAMES,
  type AuthCollection,
  type BaseCollection,
  type Collection,
  type CollectionType,
  MAX_FIELDS_PER_COLLECTION,
  type PublicCollection,
  RULE_NAMES,
  toPublicCollection,
  type ViewCollection,
} from "./collection";
export { createTableSql, planSchemaChange } from "./ddl";
export { deleteCollection, referencesTo, truncateCollection } from "./delete-collection";
export { type DryRunViewResult, dryRunView, dryRunViewInput } from "./dry-run-view";
export { checkCollectionIfMatch, checkSchemaIfMatch, collectionEtag, schemaEtag } from "./etag";
export { emitSchemaChange, type SchemaChangeEvent, type SchemaChangeSink } from "./events";
export * from "./fields";
export { type ImportResult, importCollections, importCollectionsInput } from "./import-collections";
export { SUPERUSERS } from "./names";
export {
  allCollections,
  type CollectionPage,
  type CollectionReadDeps,
  findCollection,
  getCollection,
  listCollections,
  listCollectionsInput,
} from "./queries";
export { createCollection, updateCollection } from "./save-collection";
export { collectionScaffolds } from "./scaffolds";
export {
  CollectionStore,
  type CollectionStoreOptions,
  SCHEMA_CHECK_INTERVAL_MS,
  SchemaSnapshot,
} from "./store";
export { rotateTokenSecret } from "./token-secret";
