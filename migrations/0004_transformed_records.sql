CREATE TABLE `transformed_kinds` (
	`kind` text PRIMARY KEY NOT NULL,
	`mapping_hash` text NOT NULL,
	`run_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `transformed_records` (
	`kind` text NOT NULL,
	`parent_key` text NOT NULL,
	`record_id` text NOT NULL,
	`payload_hash` text NOT NULL,
	`skipped` integer NOT NULL,
	`filtered` integer NOT NULL,
	`run_id` integer NOT NULL,
	PRIMARY KEY(`kind`, `parent_key`, `record_id`)
);
