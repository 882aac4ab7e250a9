-- Files on R2: the default `users` collection gains PocketBase's `avatar` file field. The column is added last and the definition appended last, so the table's columns stay in the order of its fields (what the schema engine builds); the schema version changes so every isolate reloads.
ALTER TABLE `users` ADD COLUMN `avatar` TEXT DEFAULT '' NOT NULL;
--> statement-breakpoint
UPDATE _collections SET "fields" = json_insert("fields", '$[#]', json('{"id":"file376926767","name":"avatar","system":false,"hidden":false,"presentable":false,"required":false,"type":"file","maxSelect":1,"maxSize":0,"mimeTypes":["image/jpeg","image/png","image/svg+xml","image/gif","image/webp"],"thumbs":[],"protected":false}')) WHERE "id" = '_pb_users_auth_';
--> statement-breakpoint
UPDATE _params SET "value" = json_quote(lower(hex(randomblob(8)))) WHERE "key" = 'schemaVersion';
