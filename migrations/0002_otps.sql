CREATE TABLE `_otps` (
	`id` text PRIMARY KEY NOT NULL,
	`collectionRef` text NOT NULL,
	`recordRef` text NOT NULL,
	`hash` text NOT NULL,
	`sentTo` text DEFAULT '' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`expires` integer NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL,
	`updated` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx__otps_record` ON `_otps` (`collectionRef`,`recordRef`);--> statement-breakpoint
CREATE INDEX `idx__otps_expires` ON `_otps` (`expires`);