DROP INDEX `staged_entities_kind`;--> statement-breakpoint
CREATE INDEX `staged_entities_kind_record` ON `staged_entities` (`kind`,`record_id`);--> statement-breakpoint
CREATE INDEX `port_snapshot_source` ON `port_snapshot` (`source_kind`,`source_record_id`);