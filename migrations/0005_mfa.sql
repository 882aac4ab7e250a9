-- MFA and TOTP: the `_mfas` system collection (PocketBase's shape: pending multi-factor sign-ins, superusers-only
-- writes, owners may list and view their own) and the plain tables behind TOTP authenticator apps (never exposed
-- through the records API: `_totps` holds the encrypted secret, `_totpRecoveryCodes` the hashed recovery codes).
CREATE TABLE `_mfas` (`id` TEXT PRIMARY KEY NOT NULL, `collectionRef` TEXT DEFAULT '' NOT NULL, `recordRef` TEXT DEFAULT '' NOT NULL, `method` TEXT DEFAULT '' NOT NULL, `created` TEXT DEFAULT '' NOT NULL, `updated` TEXT DEFAULT '' NOT NULL);
--> statement-breakpoint
CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (`collectionRef`, `recordRef`);
--> statement-breakpoint
INSERT INTO _collections ("id", "name", "type", "system", "fields", "indexes", "listRule", "viewRule", "createRule", "updateRule", "deleteRule", "options") VALUES ('pbc_2279338944', '_mfas', 'base', 1, '[{"id":"text926444256","name":"id","system":true,"hidden":false,"presentable":false,"required":true,"type":"text","min":15,"max":15,"pattern":"^[a-z0-9]+$","autogeneratePattern":"[a-z0-9]{15}","primaryKey":true},{"id":"text455797646","name":"collectionRef","system":false,"hidden":false,"presentable":false,"required":true,"type":"text","min":0,"max":255,"pattern":"","autogeneratePattern":"","primaryKey":false},{"id":"text127846527","name":"recordRef","system":false,"hidden":false,"presentable":false,"required":true,"type":"text","min":0,"max":255,"pattern":"","autogeneratePattern":"","primaryKey":false},{"id":"text1582905952","name":"method","system":false,"hidden":false,"presentable":false,"required":true,"type":"text","min":0,"max":255,"pattern":"","autogeneratePattern":"","primaryKey":false},{"id":"autodate2990389176","name":"created","system":false,"hidden":false,"presentable":false,"type":"autodate","onCreate":true,"onUpdate":false},{"id":"autodate3332085495","name":"updated","system":false,"hidden":false,"presentable":false,"type":"autodate","onCreate":true,"onUpdate":true}]', '["CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (`collectionRef`, `recordRef`)"]', '@request.auth.id != '''' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId', '@request.auth.id != '''' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId', NULL, NULL, NULL, '{}');
--> statement-breakpoint
CREATE TABLE `_totps` (
	`collectionRef` text NOT NULL,
	`recordRef` text NOT NULL,
	`secret` text NOT NULL,
	`confirmed` integer DEFAULT 0 NOT NULL,
	`lastStep` integer DEFAULT 0 NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY (`collectionRef`, `recordRef`)
);
--> statement-breakpoint
CREATE TABLE `_totpRecoveryCodes` (
	`hash` text PRIMARY KEY NOT NULL,
	`collectionRef` text NOT NULL,
	`recordRef` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx__totpRecoveryCodes_record` ON `_totpRecoveryCodes` (`collectionRef`,`recordRef`);
--> statement-breakpoint
UPDATE _params SET "value" = json_quote(lower(hex(randomblob(8)))) WHERE "key" = 'schemaVersion';
