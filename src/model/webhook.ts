// What `serve` shares between receiving Incident.io's webhooks and applying them: the records an event
// is about. An event is only a hint that a record changed; the record's state is read from the API.

/** The Incident.io resources whose webhooks `serve` applies. */
export type WebhookResource = "incident" | "alert" | "follow_up" | "schedule";

/** The record one verified event is about, as the inbox keeps it. */
export interface WebhookEvent {
  /** `webhook-id`: the same for every redelivery of one event. */
  readonly webhookId: string;
  /** e.g. `public_incident.incident_status_updated_v2`. */
  readonly eventType: string;
  readonly resource: WebhookResource;
  readonly recordId: string;
  /** The event says the record was deleted (`schedule.deleted_v1`); the API must still confirm it. */
  readonly deleted: boolean;
}

/** One record to bring up to date, after the pending events about it were coalesced. */
export interface RecordToApply {
  readonly resource: WebhookResource;
  readonly recordId: string;
  /** Some event about it said it was deleted. */
  readonly deleted: boolean;
}

/** What applying one record came to. */
export type AppliedOutcome =
  /** Port now holds its entities as mapped from the record's current state (written, or already equal). */
  | { readonly state: "applied"; readonly writes: number }
  /** The API confirmed the record is gone (404), and its entities were deleted from Port (or were never there). */
  | { readonly state: "deleted"; readonly writes: number }
  /** No resource of the mapping reads this kind of record: nothing to do. */
  | { readonly state: "not-mapped" }
  /** Could not be applied now (the API or Port failed, a lock was held): the events stay pending and are tried again. */
  | { readonly state: "retry"; readonly error: string };

export interface AppliedRecord {
  readonly record: RecordToApply;
  readonly outcome: AppliedOutcome;
}
