import { normalizePortBaseUrl, readPortBinding, replacePortBinding } from "../../db/queries/port-binding";
import type { StagingDb } from "../../db/database";
import { ConfigError } from "../errors";
import type { PortSettings } from "../model/config";

/** A Port as the staging file records it: its API's base URL and the client id the file synced with. */
export interface PortIdentity {
  readonly baseUrl: string;
  readonly clientId: string | undefined;
}

/** What a command that reads or writes Port's snapshot does about the Port the file is bound to. */
export type BindingDecision =
  /** No binding yet (a new file, or one an earlier release wrote): the first load that reaches Port binds it. */
  | { readonly type: "unbound" }
  | { readonly type: "same" }
  /** Another Port, and `--adopt-port`: rebind the file to it, forget the snapshot, reconcile. */
  | { readonly type: "adopt" }
  /** Another Port: refuse before anything is sent. */
  | { readonly type: "refuse"; readonly bound: PortIdentity; readonly configured: PortIdentity };

/**
 * Decides whether the Port configured now is the one the file is bound to: the same base URL (as
 * normalizePortBaseUrl writes it) and the same client id. A command that has no client id (plan
 * needs no credentials) is compared by base URL alone. Pure.
 */
export function decidePortBinding(bound: PortIdentity | undefined, configured: PortIdentity, adopt: boolean): BindingDecision {
  if (!bound) return { type: "unbound" };
  const sameUrl = normalizePortBaseUrl(bound.baseUrl) === normalizePortBaseUrl(configured.baseUrl);
  const sameClient = configured.clientId === undefined || configured.clientId === bound.clientId;
  if (sameUrl && sameClient) return { type: "same" };
  return adopt ? { type: "adopt" } : { type: "refuse", bound, configured };
}

/** The refusal's message: both Ports (never a secret) and the two ways out. */
export function describeOtherPort(databasePath: string, bound: PortIdentity, configured: PortIdentity): string {
  const name = (port: PortIdentity) => `${normalizePortBaseUrl(port.baseUrl)}${port.clientId === undefined ? "" : ` (client id ${port.clientId})`}`;
  return (
    `staging file ${databasePath} syncs with the Port at ${name(bound)}, not with the Port configured now, ${name(configured)}: ` +
    "what it records as pushed describes the other Port, so nothing was sent. Either adopt the file for the Port configured now " +
    "(rerun with --adopt-port: it forgets what the other Port holds, reads this Port's entities first and pushes what differs), " +
    "or start a fresh staging file for it (--db new.sqlite, or ETL_DB)"
  );
}

/**
 * Checks the Port of `port` against the file's binding before a command that reads or writes the
 * snapshot, before any request. Throws ConfigError when it is another Port and `adopt` is off;
 * returns "adopt" when it is another Port and `adopt` is on (adoptPort then rebinds the file, once
 * the new Port's credentials are known to work), else "keep". A file with no binding is bound by the load.
 */
export async function checkPortBinding(db: StagingDb, databasePath: string, port: PortSettings, adopt: boolean): Promise<"adopt" | "keep"> {
  const binding = await readPortBinding(db);
  const decision = decidePortBinding(binding, { baseUrl: port.baseUrl, clientId: port.clientId }, adopt);
  if (decision.type === "refuse") throw new ConfigError([describeOtherPort(databasePath, decision.bound, decision.configured)]);
  return decision.type === "adopt" ? "adopt" : "keep";
}

/**
 * `--adopt-port`: binds the file to the Port of `port` and empties the snapshot, which described the
 * other Port (replacePortBinding); the load must then reconcile, so that what this Port already holds
 * is known before anything is pushed.
 */
export async function adoptPort(db: StagingDb, port: PortSettings): Promise<void> {
  if (port.clientId === undefined) throw new ConfigError(["--adopt-port: OCEAN__PORT__CLIENT_ID is required to adopt the staging file for a Port"]);
  await replacePortBinding(db, { baseUrl: port.baseUrl, clientId: port.clientId, at: new Date().toISOString() });
}
