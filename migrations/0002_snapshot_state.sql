PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_port_snapshot` (
	`blueprint` text NOT NULL,
	`identifier` text NOT NULL,
	`state` text NOT NULL,
	`hash` text,
	`entity_json` text NOT NULL,
	`run_id` integer NOT NULL,
	`pushed_at` text NOT NULL,
	`source_kind` text,
	`source_record_id` text,
	PRIMARY KEY(`blueprint`, `identifier`),
	CONSTRAINT "port_snapshot_state" CHECK("state" IN ('confirmed', 'pending', 'read-from-port')),
	CONSTRAINT "port_snapshot_hash" CHECK(("state" = 'pending') = ("hash" IS NULL))
);
--> statement-breakpoint
INSERT INTO `__new_port_snapshot`("blueprint", "identifier", "state", "hash", "entity_json", "run_id", "pushed_at", "source_kind", "source_record_id") SELECT "blueprint", "identifier",
	CASE WHEN "hash" = 'pending' THEN 'pending' WHEN substr("hash", 1, 5) = 'port:' THEN 'read-from-port' ELSE 'confirmed' END,
	CASE WHEN "hash" = 'pending' THEN NULL WHEN substr("hash", 1, 5) = 'port:' THEN substr("hash", 6) ELSE "hash" END,
	"entity_json", "run_id", "pushed_at", "source_kind", "source_record_id" FROM `port_snapshot`;--> statement-breakpoint
DROP TABLE `port_snapshot`;--> statement-breakpoint
ALTER TABLE `__new_port_snapshot` RENAME TO `port_snapshot`;--> statement-breakpoint
PRAGMA foreign_keys=ON;