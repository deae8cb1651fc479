CREATE TABLE `relation_checks` (
	`id` integer PRIMARY KEY NOT NULL,
	`inputs_hash` text NOT NULL,
	`run_id` integer NOT NULL,
	CONSTRAINT "relation_checks_one_row" CHECK("relation_checks"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX `raw_records_payload_hash` ON `raw_records` (`kind`,`parent_key`,`record_id`,`payload_hash`);