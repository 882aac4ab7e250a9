-- Files on R2: the default `users` collection gains PocketBase's `avatar` file field (its column and definition); the schema version changes so every isolate reloads.
ALTER TABLE `users` ADD COLUMN `avatar` TEXT DEFAULT '' NOT NULL;
--> statement-breakpoint
UPDATE _collections SET "fields" = replace("fields", '{"id":"autodate837645499"', '{"id":"file376926767","name":"avatar","system":false,"hidden":false,"presentable":false,"required":false,"type":"file","maxSelect":1,"maxSize":0,"mimeTypes":["image/jpeg","image/png","image/svg+xml","image/gif","image/webp"],"thumbs":null,"protected":false},{"id":"autodate837645499"') WHERE "id" = '_pb_users_auth_' AND "fields" NOT LIKE '%"name":"avatar"%';
--> statement-breakpoint
UPDATE _params SET "value" = json_quote(lower(hex(randomblob(8)))) WHERE "key" = 'schemaVersion';
