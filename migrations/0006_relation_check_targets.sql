CREATE TABLE `relation_check_targets` (
	`blueprint` text PRIMARY KEY NOT NULL,
	`in_port_hash` text NOT NULL
);
