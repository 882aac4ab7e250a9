-- Superusers' emails are unique whatever their case in the database too (the write path's case-insensitive check alone lets two racing sign-ups with `A@x` and `a@x` both in). Other auth collections get the same lower(email) index from the schema engine on their next save: their tables can be renamed, and a migration cannot name them safely.
DROP INDEX IF EXISTS `idx_email_pbc_3142635823`;
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_email_pbc_3142635823` ON `_superusers` (lower(`email`)) WHERE `email` != '';
--> statement-breakpoint
UPDATE _collections SET "indexes" = replace("indexes", 'ON `_superusers` (`email`) WHERE', 'ON `_superusers` (lower(`email`)) WHERE') WHERE "id" = 'pbc_3142635823';
--> statement-breakpoint
UPDATE _params SET "value" = json_quote(lower(hex(randomblob(8)))) WHERE "key" = 'schemaVersion';
