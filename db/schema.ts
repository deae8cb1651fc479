import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Object keys equal SQL column names (snake_case): Kysely is typed from these tables through
// `Kyselify`, which uses the database column names. Timestamps are ISO-8601 UTC strings.

/** One row per CLI invocation that touches the pipeline (run, extract, transform, plan, load, demo). */
export const runs = sqliteTable("runs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  command: text("command").notNull(),
  /** running | succeeded | failed | interrupted */
  status: text("status").notNull(),
  started_at: text("started_at").notNull(),
  finished_at: text("finished_at"),
  /** The non-secret options of the invocation (kinds, flags), JSON. */
  options_json: text("options_json").notNull().default("{}"),
  /** The RunSummary, JSON, once finished. */
  summary_json: text("summary_json"),
  error: text("error"),
});

/** One row per stage executed within a run, with its timings and summary. */
export const runStages = sqliteTable(
  "run_stages",
  {
    run_id: integer("run_id").notNull(),
    stage: text("stage").notNull(),
    status: text("status").notNull(),
    started_at: text("started_at").notNull(),
    finished_at: text("finished_at"),
    summary_json: text("summary_json"),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.run_id, t.stage] })],
);

/**
 * Every record extracted, as the API returned it minus secret fields. `parent_key` is the path-parameter
 * value the record was fetched under ('' when the kind has none). `run_id` is the last run that saw it.
 */
export const rawRecords = sqliteTable(
  "raw_records",
  {
    kind: text("kind").notNull(),
    parent_key: text("parent_key").notNull(),
    record_id: text("record_id").notNull(),
    payload: text("payload").notNull(),
    payload_hash: text("payload_hash").notNull(),
    run_id: integer("run_id").notNull(),
    fetched_at: text("fetched_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.parent_key, t.record_id] }),
    index("raw_records_kind_run").on(t.kind, t.run_id),
    // Lets the transform compare payload hashes without reading the rows: the hash is stored after
    // the payload, whose overflow pages SQLite would otherwise walk to reach it.
    index("raw_records_payload_hash").on(t.kind, t.parent_key, t.record_id, t.payload_hash),
  ],
);

/** Per run and kind: did the extract complete? A kind that did not is never read as "its entities disappeared". */
export const extractStatus = sqliteTable(
  "extract_status",
  {
    run_id: integer("run_id").notNull(),
    kind: text("kind").notNull(),
    /** full | incremental */
    mode: text("mode").notNull(),
    /** running | complete | failed */
    status: text("status").notNull(),
    pages: integer("pages").notNull().default(0),
    records: integer("records").notNull().default(0),
    requests: integer("requests").notNull().default(0),
    started_at: text("started_at").notNull(),
    finished_at: text("finished_at"),
    /** For incremental reads: the lower bound sent to the API. */
    since: text("since"),
    /** Failure details: path of the failing request, its cursor, HTTP status (null = no response) and message. */
    endpoint: text("endpoint"),
    cursor: text("cursor"),
    http_status: integer("http_status"),
    error: text("error"),
    /** Items of the kind's pages that could not be stored as records (listed in rejected_items). */
    rejected: integer("rejected").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.run_id, t.kind] })],
);

/**
 * Items of an extracted page that could not be stored as a record: not an object, or without a usable
 * `id`. They are listed rather than dropped, so that a record never vanishes without a trace.
 */
export const rejectedItems = sqliteTable(
  "rejected_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    run_id: integer("run_id").notNull(),
    kind: text("kind").notNull(),
    parent_key: text("parent_key").notNull(),
    /** The path of the page's request, and its cursor (null for the first page). */
    endpoint: text("endpoint").notNull(),
    cursor: text("cursor"),
    /** The item's position in its page, from 0. */
    position: integer("position").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [index("rejected_items_run_kind").on(t.run_id, t.kind)],
);

/** The entities the mapping produced from the raw records, in canonical JSON (sorted keys). */
export const stagedEntities = sqliteTable(
  "staged_entities",
  {
    blueprint: text("blueprint").notNull(),
    identifier: text("identifier").notNull(),
    kind: text("kind").notNull(),
    record_id: text("record_id").notNull(),
    entity_json: text("entity_json").notNull(),
    hash: text("hash").notNull(),
    /** Why the entity is not pushed (Port would reject it); null when it is pushable. */
    held_back_reason: text("held_back_reason"),
  },
  // By kind and record: serve finds the entities of a few records among a kind's million (a kind alone is its prefix).
  (t) => [primaryKey({ columns: [t.blueprint, t.identifier] }), index("staged_entities_kind_record").on(t.kind, t.record_id)],
);

/** Mapping expressions that failed on a record (the field became null), and selectors that were not booleans. */
export const mappingErrors = sqliteTable(
  "mapping_errors",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    run_id: integer("run_id").notNull(),
    kind: text("kind").notNull(),
    record_id: text("record_id").notNull(),
    field: text("field").notNull(),
    expression: text("expression").notNull(),
    message: text("message").notNull(),
  },
  (t) => [index("mapping_errors_kind").on(t.kind)],
);

/**
 * Records that were read but could not be mapped: jq could not parse them, their identifier or
 * blueprint expression failed, or jq failed on them. The entities they made before stay in Port as
 * last pushed (the load plan never deletes them). Replaced per kind by each transform.
 */
export const unmappedRecords = sqliteTable(
  "unmapped_records",
  {
    kind: text("kind").notNull(),
    record_id: text("record_id").notNull(),
    run_id: integer("run_id").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.record_id] })],
);

/**
 * The mapping each kind's staged rows were made with: the hash of what decides a record's outcome
 * for the kind (its programs, the blueprints its entities are validated against, jq's version). A
 * kind whose hash is unchanged maps only the records whose payload changed since.
 */
export const transformedKinds = sqliteTable("transformed_kinds", {
  kind: text("kind").primaryKey(),
  mapping_hash: text("mapping_hash").notNull(),
  run_id: integer("run_id").notNull(),
});

/**
 * The raw records whose outcome (staged entities, mapping errors, unmapped) is in the staging file,
 * with the payload hash they were mapped from, and how many of their entities were skipped (null
 * identifier) or filtered (selector false): those leave no row elsewhere, and the summary counts them.
 */
export const transformedRecords = sqliteTable(
  "transformed_records",
  {
    kind: text("kind").notNull(),
    parent_key: text("parent_key").notNull(),
    record_id: text("record_id").notNull(),
    payload_hash: text("payload_hash").notNull(),
    skipped: integer("skipped").notNull(),
    filtered: integer("filtered").notNull(),
    run_id: integer("run_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.parent_key, t.record_id] })],
);

/**
 * The last relation check (one row): the hash of the kinds it covered, the blueprints' relations and
 * createMissingRelatedEntities. Deleted whenever a transform changes staged entities: while it
 * stands, the relation issues and hold-backs it left are right for the staged entities, as Port was
 * then (relation_check_targets).
 */
export const relationChecks = sqliteTable(
  "relation_checks",
  {
    id: integer("id").primaryKey(),
    inputs_hash: text("inputs_hash").notNull(),
    run_id: integer("run_id").notNull(),
  },
  (t) => [check("relation_checks_one_row", sql`${t.id} = 1`)],
);

/**
 * Per relation target blueprint, the hash of the identifiers Port was known to hold at the last
 * relation check: a relation whose target blueprint's hash changed is checked again in full.
 */
export const relationCheckTargets = sqliteTable("relation_check_targets", {
  blueprint: text("blueprint").primaryKey(),
  in_port_hash: text("in_port_hash").notNull(),
});

/** Relations whose target is neither staged nor known to be in Port. */
export const relationIssues = sqliteTable(
  "relation_issues",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    run_id: integer("run_id").notNull(),
    kind: text("kind").notNull(),
    blueprint: text("blueprint").notNull(),
    identifier: text("identifier").notNull(),
    relation: text("relation").notNull(),
    target_blueprint: text("target_blueprint").notNull(),
    target_identifier: text("target_identifier").notNull(),
  },
  (t) => [index("relation_issues_kind").on(t.kind)],
);

/**
 * The states of a port_snapshot row. `confirmed`: Port took the entity as staged (hash is the staged
 * hash it was pushed with). `pending`: a create was sent and Port's answer is not recorded; Port may
 * hold it or not, so the next run re-sends it if it is still staged and deletes it if not.
 * `read-from-port`: reconcile recorded Port's copy, which differs from anything staged, so the diff
 * re-pushes the staged entity or deletes one no longer staged.
 */
export const SNAPSHOT_STATES = ["confirmed", "pending", "read-from-port"] as const;
export type SnapshotState = (typeof SNAPSHOT_STATES)[number];

/**
 * What Port is known to hold: a row is confirmed only after Port confirms the write. The one exception is a
 * `pending` row, written just before a create is sent, so that an entity Port created before a crash (and
 * the process never heard about) is still known, and is deleted if its source disappears meanwhile.
 */
export const portSnapshot = sqliteTable(
  "port_snapshot",
  {
    blueprint: text("blueprint").notNull(),
    identifier: text("identifier").notNull(),
    /** What the row says of Port: see SNAPSHOT_STATES. */
    state: text("state", { enum: SNAPSHOT_STATES }).notNull(),
    /** The sha-256 of entity_json: as pushed (confirmed) or as reconcile read it (read-from-port); null while pending. */
    hash: text("hash"),
    entity_json: text("entity_json").notNull(),
    run_id: integer("run_id").notNull(),
    pushed_at: text("pushed_at").notNull(),
    /**
     * The record the entity was pushed from (null for rows reconcile read from Port): while that record
     * is listed in unmapped_records, the entity is kept as it is, never deleted.
     */
    source_kind: text("source_kind"),
    source_record_id: text("source_record_id"),
  },
  (t) => [
    primaryKey({ columns: [t.blueprint, t.identifier] }),
    // serve finds the rows pushed from a few records (those gone from the staging) without reading the whole snapshot.
    index("port_snapshot_source").on(t.source_kind, t.source_record_id),
    check("port_snapshot_state", sql`${t.state} IN ('confirmed', 'pending', 'read-from-port')`),
    check("port_snapshot_hash", sql`(${t.state} = 'pending') = (${t.hash} IS NULL)`),
  ],
);

/**
 * The Port this staging file syncs with (one row, written by the first load that reaches Port). A
 * run against another Port is refused: the snapshot describes this one only.
 */
export const portBinding = sqliteTable(
  "port_binding",
  {
    id: integer("id").primaryKey(),
    base_url: text("base_url").notNull(),
    client_id: text("client_id").notNull(),
    /** Port's organization id, when its token names one. */
    organization_id: text("organization_id"),
    bound_at: text("bound_at").notNull(),
    /** When every blueprint of the mapping was last reconciled with Port (drift repaired); null before the first. */
    last_reconciled_at: text("last_reconciled_at"),
  },
  (t) => [check("port_binding_one_row", sql`${t.id} = 1`)],
);

/** Entities Port refused in a load; they stay out of the snapshot and are retried next run. */
export const loadErrors = sqliteTable(
  "load_errors",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    run_id: integer("run_id").notNull(),
    blueprint: text("blueprint").notNull(),
    identifier: text("identifier").notNull(),
    /** upsert | delete */
    operation: text("operation").notNull(),
    status: integer("status"),
    message: text("message").notNull(),
  },
  (t) => [index("load_errors_run").on(t.run_id)],
);

/**
 * Blueprints a load created in Port whose relations and other deferred parts (patched in after every
 * creation) Port has not all confirmed yet; the next load patches them again. Blueprints a load did not
 * create are never listed, so they are never changed.
 */
export const pendingBlueprints = sqliteTable("pending_blueprints", {
  identifier: text("identifier").primaryKey(),
  run_id: integer("run_id").notNull(),
});

/** Advisory locks held by running processes (one row per lock name). */
export const locks = sqliteTable("locks", {
  name: text("name").primaryKey(),
  owner: text("owner").notNull(),
  pid: integer("pid").notNull(),
  acquired_at: text("acquired_at").notNull(),
  heartbeat_at: text("heartbeat_at").notNull(),
});

/** How Port came to hold the mapping last seen there: read as users left it, or written by this tool. */
export const PORT_MAPPING_ORIGINS = ["read", "registered", "pushed"] as const;
export type PortMappingOrigin = (typeof PORT_MAPPING_ORIGINS)[number];

/**
 * The mapping Port's integration held when a command last talked to Port (its `config`, the
 * port-app-config users edit in Port's UI), per integration identifier. Commands that do not talk to
 * Port (extract, transform, plan without credentials) run with it, so every stage maps with Port's
 * mapping. Never holds a secret: the config is the mapping only.
 */
export const portMapping = sqliteTable(
  "port_mapping",
  {
    integration: text("integration").primaryKey(),
    /** The integration's `config` as JSON. */
    config_json: text("config_json").notNull(),
    /** sha256 of config_json, to tell one mapping from another at a glance. */
    hash: text("hash").notNull(),
    origin: text("origin", { enum: PORT_MAPPING_ORIGINS }).notNull(),
    read_at: text("read_at").notNull(),
  },
  (t) => [check("port_mapping_origin", sql`${t.origin} IN ('read', 'registered', 'pushed')`)],
);

/** The states of a webhook_inbox row: `pending` until the record it names is brought up to date in Port. */
const WEBHOOK_INBOX_STATES = ["pending", "applied"] as const;

/**
 * Incident.io webhook events `serve` received and committed before answering 2xx, one row per
 * `webhook-id` (Svix's redeliveries of one event share it, so an event is applied once). Only which
 * record changed is kept: the record itself is read from the API when the event is applied, and no
 * payload, header or secret is stored.
 */
export const webhookInbox = sqliteTable(
  "webhook_inbox",
  {
    webhook_id: text("webhook_id").primaryKey(),
    event_type: text("event_type").notNull(),
    /** A WebhookResource (src/model/webhook.ts). */
    resource: text("resource").notNull(),
    record_id: text("record_id").notNull(),
    /** 1 when the event says the record was deleted; the API must still confirm it. */
    deleted: integer("deleted").notNull(),
    /** The `webhook-timestamp` the sender signed, as ISO. */
    sent_at: text("sent_at").notNull(),
    /** When the receiver committed the row, ISO with milliseconds. */
    received_at: text("received_at").notNull(),
    state: text("state", { enum: WEBHOOK_INBOX_STATES }).notNull(),
    applied_at: text("applied_at"),
    attempts: integer("attempts").notNull().default(0),
    last_error: text("last_error"),
  },
  (t) => [
    index("webhook_inbox_state_received").on(t.state, t.received_at),
    check("webhook_inbox_state", sql`${t.state} IN ('pending', 'applied')`),
    check("webhook_inbox_deleted", sql`${t.deleted} IN (0, 1)`),
  ],
);

/** Verified events of types `serve` does not apply: counted per type, never stored one by one. */
export const webhookIgnored = sqliteTable("webhook_ignored", {
  event_type: text("event_type").primaryKey(),
  count: integer("count").notNull(),
  last_received_at: text("last_received_at").notNull(),
});
