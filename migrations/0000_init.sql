CREATE TABLE `extract_status` (
	`run_id` integer NOT NULL,
	`kind` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`pages` integer DEFAULT 0 NOT NULL,
	`records` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`since` text,
	`endpoint` text,
	`cursor` text,
	`http_status` integer,
	`error` text,
	PRIMARY KEY(`run_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `load_errors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`blueprint` text NOT NULL,
	`identifier` text NOT NULL,
	`operation` text NOT NULL,
	`status` integer,
	`message` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `load_errors_run` ON `load_errors` (`run_id`);--> statement-breakpoint
CREATE TABLE `locks` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`pid` integer NOT NULL,
	`acquired_at` text NOT NULL,
	`heartbeat_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mapping_errors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`kind` text NOT NULL,
	`record_id` text NOT NULL,
	`field` text NOT NULL,
	`expression` text NOT NULL,
	`message` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mapping_errors_kind` ON `mapping_errors` (`kind`);--> statement-breakpoint
CREATE TABLE `pending_blueprints` (
	`identifier` text PRIMARY KEY NOT NULL,
	`run_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `port_snapshot` (
	`blueprint` text NOT NULL,
	`identifier` text NOT NULL,
	`hash` text NOT NULL,
	`entity_json` text NOT NULL,
	`run_id` integer NOT NULL,
	`pushed_at` text NOT NULL,
	PRIMARY KEY(`blueprint`, `identifier`)
);
--> statement-breakpoint
CREATE TABLE `raw_records` (
	`kind` text NOT NULL,
	`parent_key` text NOT NULL,
	`record_id` text NOT NULL,
	`payload` text NOT NULL,
	`payload_hash` text NOT NULL,
	`run_id` integer NOT NULL,
	`fetched_at` text NOT NULL,
	PRIMARY KEY(`kind`, `parent_key`, `record_id`)
);
--> statement-breakpoint
CREATE INDEX `raw_records_kind_run` ON `raw_records` (`kind`,`run_id`);--> statement-breakpoint
CREATE TABLE `relation_issues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`kind` text NOT NULL,
	`blueprint` text NOT NULL,
	`identifier` text NOT NULL,
	`relation` text NOT NULL,
	`target_blueprint` text NOT NULL,
	`target_identifier` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `relation_issues_kind` ON `relation_issues` (`kind`);--> statement-breakpoint
CREATE TABLE `run_stages` (
	`run_id` integer NOT NULL,
	`stage` text NOT NULL,
	`status` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`summary_json` text,
	`error` text,
	PRIMARY KEY(`run_id`, `stage`)
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`command` text NOT NULL,
	`status` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`options_json` text DEFAULT '{}' NOT NULL,
	`summary_json` text,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `staged_entities` (
	`blueprint` text NOT NULL,
	`identifier` text NOT NULL,
	`kind` text NOT NULL,
	`record_id` text NOT NULL,
	`entity_json` text NOT NULL,
	`hash` text NOT NULL,
	`held_back_reason` text,
	PRIMARY KEY(`blueprint`, `identifier`)
);
--> statement-breakpoint
CREATE INDEX `staged_entities_kind` ON `staged_entities` (`kind`);