-- Tracked file deletions (src/storage/deletions.ts): one row per R2 object (with its thumbs) or key prefix still to
-- delete, written in the same D1 batch as the change that orphaned it (a dropped file field or collection, a
-- truncate, a record delete whose R2 call failed). The request deletes them in the background; the
-- __filesCleanup__ cron retries whatever is left. Only objects uploaded before `before` (ms) are deleted.
CREATE TABLE `_fileDeletions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target` text NOT NULL,
	`prefix` integer DEFAULT 0 NOT NULL,
	`before` integer NOT NULL,
	`cursor` text DEFAULT '' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lastError` text DEFAULT '' NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx__fileDeletions_attempts` ON `_fileDeletions` (`attempts`,`id`);
