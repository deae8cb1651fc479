import { sha256Hex } from "../../src/sha256";
import type { StagingDb } from "../database";
import type { PortMappingOrigin } from "../schema";

/** The mapping Port's integration held when a command last talked to Port. */
export interface StoredPortMapping {
  readonly integration: string;
  /** The integration's `config`, as Port returned or took it. */
  readonly config: unknown;
  readonly hash: string;
  readonly origin: PortMappingOrigin;
  readonly readAt: string;
}

/** The mapping last seen in Port for `integration`, or undefined when no command has read one. */
export async function readStoredPortMapping(db: StagingDb, integration: string): Promise<StoredPortMapping | undefined> {
  const row = await db.selectFrom("port_mapping").selectAll().where("integration", "=", integration).executeTakeFirst();
  if (!row) return undefined;
  return { integration: row.integration, config: JSON.parse(row.config_json) as unknown, hash: row.hash, origin: row.origin, readAt: row.read_at };
}

/**
 * Every mapping the staging file keeps, one per integration, the latest read first: a file synced with
 * one integration keeps its mapping whatever integration the command reading it is configured with.
 */
export async function listStoredPortMappings(db: StagingDb): Promise<Omit<StoredPortMapping, "config">[]> {
  const rows = await db.selectFrom("port_mapping").select(["integration", "hash", "origin", "read_at"]).orderBy("read_at", "desc").orderBy("integration").execute();
  return rows.map((row) => ({ integration: row.integration, hash: row.hash, origin: row.origin, readAt: row.read_at }));
}

/** Records what Port's integration holds now, replacing what was recorded for it; returns the config's hash. */
export async function storePortMapping(db: StagingDb, integration: string, config: unknown, origin: PortMappingOrigin, readAt: string): Promise<string> {
  const configJson = JSON.stringify(config);
  const hash = sha256Hex(configJson);
  const row = { integration, config_json: configJson, hash, origin, read_at: readAt };
  await db
    .insertInto("port_mapping")
    .values(row)
    .onConflict((conflict) => conflict.column("integration").doUpdateSet({ config_json: configJson, hash, origin, read_at: readAt }))
    .execute();
  return hash;
}

/** Forgets the mapping recorded for `integration`: Port's integration holds none now. */
export async function forgetPortMapping(db: StagingDb, integration: string): Promise<void> {
  await db.deleteFrom("port_mapping").where("integration", "=", integration).execute();
}
