CREATE TABLE `_collections` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text DEFAULT 'base' NOT NULL,
	`system` integer DEFAULT false NOT NULL,
	`fields` text DEFAULT '[]' NOT NULL,
	`indexes` text DEFAULT '[]' NOT NULL,
	`listRule` text,
	`viewRule` text,
	`createRule` text,
	`updateRule` text,
	`deleteRule` text,
	`options` text DEFAULT '{}' NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL,
	`updated` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx__collections_name` ON `_collections` (lower("name"));--> statement-breakpoint
CREATE TABLE `_params` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL,
	`updated` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
