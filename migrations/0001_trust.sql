CREATE TABLE `port_binding` (
	`id` integer PRIMARY KEY NOT NULL,
	`base_url` text NOT NULL,
	`client_id` text NOT NULL,
	`organization_id` text,
	`bound_at` text NOT NULL,
	`last_reconciled_at` text,
	CONSTRAINT "port_binding_one_row" CHECK("port_binding"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `rejected_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`kind` text NOT NULL,
	`parent_key` text NOT NULL,
	`endpoint` text NOT NULL,
	`cursor` text,
	`position` integer NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rejected_items_run_kind` ON `rejected_items` (`run_id`,`kind`);--> statement-breakpoint
CREATE TABLE `unmapped_records` (
	`kind` text NOT NULL,
	`record_id` text NOT NULL,
	`run_id` integer NOT NULL,
	`reason` text NOT NULL,
	PRIMARY KEY(`kind`, `record_id`)
);
--> statement-breakpoint
ALTER TABLE `extract_status` ADD `rejected` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `port_snapshot` ADD `source_kind` text;--> statement-breakpoint
ALTER TABLE `port_snapshot` ADD `source_record_id` text;--> statement-breakpoint
-- Rows pushed before this migration learn their source from what is staged under the same key.
UPDATE `port_snapshot` SET
	`source_kind` = (SELECT s.`kind` FROM `staged_entities` s WHERE s.`blueprint` = `port_snapshot`.`blueprint` AND s.`identifier` = `port_snapshot`.`identifier`),
	`source_record_id` = (SELECT s.`record_id` FROM `staged_entities` s WHERE s.`blueprint` = `port_snapshot`.`blueprint` AND s.`identifier` = `port_snapshot`.`identifier`);
