CREATE TABLE `webhook_ignored` (
	`event_type` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`last_received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_inbox` (
	`webhook_id` text PRIMARY KEY NOT NULL,
	`event_type` text NOT NULL,
	`resource` text NOT NULL,
	`record_id` text NOT NULL,
	`deleted` integer NOT NULL,
	`sent_at` text NOT NULL,
	`received_at` text NOT NULL,
	`state` text NOT NULL,
	`applied_at` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	CONSTRAINT "webhook_inbox_state" CHECK("webhook_inbox"."state" IN ('pending', 'applied')),
	CONSTRAINT "webhook_inbox_deleted" CHECK("webhook_inbox"."deleted" IN (0, 1))
);
--> statement-breakpoint
CREATE INDEX `webhook_inbox_state_received` ON `webhook_inbox` (`state`,`received_at`);