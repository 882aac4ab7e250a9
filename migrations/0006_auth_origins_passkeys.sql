CREATE TABLE `_authOrigins` (
	`id` text PRIMARY KEY NOT NULL,
	`collectionRef` text NOT NULL,
	`recordRef` text NOT NULL,
	`fingerprint` text NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL,
	`updated` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx__authOrigins_fingerprint` ON `_authOrigins` (`collectionRef`,`recordRef`,`fingerprint`);--> statement-breakpoint
CREATE TABLE `_passkeys` (
	`id` text PRIMARY KEY NOT NULL,
	`collectionRef` text NOT NULL,
	`recordRef` text NOT NULL,
	`name` text NOT NULL,
	`credentialId` text NOT NULL,
	`publicKey` text NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text DEFAULT '[]' NOT NULL,
	`lastUsed` text DEFAULT '' NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL,
	`updated` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx__passkeys_credential` ON `_passkeys` (`collectionRef`,`credentialId`);--> statement-breakpoint
CREATE INDEX `idx__passkeys_record` ON `_passkeys` (`collectionRef`,`recordRef`);--> statement-breakpoint
CREATE TABLE `_passkeyChallenges` (
	`id` text PRIMARY KEY NOT NULL,
	`collectionRef` text NOT NULL,
	`recordRef` text NOT NULL,
	`kind` text NOT NULL,
	`challenge` text NOT NULL,
	`expires` integer NOT NULL,
	`created` text DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx__passkeyChallenges_challenge` ON `_passkeyChallenges` (`challenge`);--> statement-breakpoint
CREATE INDEX `idx__passkeyChallenges_expires` ON `_passkeyChallenges` (`expires`);--> statement-breakpoint
UPDATE `_collections` SET `options` = json_set(`options`, '$.authAlert.enabled', json('false'))
WHERE `type` = 'auth' AND json_extract(`options`, '$.authAlert.enabled') = 1;
