CREATE TABLE `port_mapping` (
	`integration` text PRIMARY KEY NOT NULL,
	`config_json` text NOT NULL,
	`hash` text NOT NULL,
	`origin` text NOT NULL,
	`read_at` text NOT NULL,
	CONSTRAINT "port_mapping_origin" CHECK("port_mapping"."origin" IN ('read', 'registered', 'pushed'))
);
