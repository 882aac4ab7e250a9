-- Request and application logs (the LOGS database, apart from the app's data as PocketBase keeps logs in its auxiliary database).
CREATE TABLE `_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`level` integer DEFAULT 0 NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx__logs_created` ON `_logs` (`created`);
--> statement-breakpoint
CREATE INDEX `idx__logs_level` ON `_logs` (`level`);
