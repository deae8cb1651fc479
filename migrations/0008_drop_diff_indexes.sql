DROP INDEX `port_snapshot_diff`;--> statement-breakpoint
DROP INDEX `staged_entities_diff`;