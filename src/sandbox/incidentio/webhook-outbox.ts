import type { IncidentIoDataset, RecordChange } from "./dataset";
import { webhookMessagesFor } from "./webhook-payloads";
import { createWebhookCounters, createWebhookSender, type DeliveryAttempt, type WebhookCounters, type WebhookSender, type WebhookTarget } from "./webhook-sender";

export interface SandboxWebhookOptions extends WebhookTarget {
  /** Alert events are `private_alert.*`, carrying only the alert's ID (default false). */
  readonly privateAlerts?: boolean;
}

/** The webhooks of an Incident.io sandbox: the events its records' changes send, once a target is set. */
export interface SandboxWebhooks {
  /**
   * Posts the events of later changes to `options.url`, or stops posting (undefined). A new target
   * replaces the previous one, whose queued and scheduled deliveries are dropped.
   */
  configure(options: SandboxWebhookOptions | undefined): Promise<void>;
  /** The `webhook-id`s of the events sent since the last call, oldest first (the latest 10,000 at most). */
  takeSentIds(): string[];
  /** Totals since the sandbox started (a copy). */
  readonly counters: WebhookCounters;
  /** Every delivery attempt in order; clear it with `attempts.length = 0`. */
  readonly attempts: DeliveryAttempt[];
  /** Resolves once every event sent so far was delivered or given up; rejects after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// Sent IDs nobody took are dropped beyond this, so a long bench that never asks keeps flat memory.
const MAX_SENT_IDS = 10_000;

/** Sends the events of `dataset`'s changes, each as the change is made. */
export function attachWebhooks(dataset: IncidentIoDataset): SandboxWebhooks {
  const counters = createWebhookCounters();
  const attempts: DeliveryAttempt[] = [];
  const sentIds: string[] = [];
  let sender: WebhookSender | undefined;
  let privateAlerts = false;

  const isPrivateIncident = (incidentId: string): boolean => dataset.get("incidents", incidentId)?.["visibility"] === "private";

  const onChange = (change: RecordChange): void => {
    if (!sender) return;
    for (const message of webhookMessagesFor(change, { isPrivateIncident, privateAlerts })) sentIds.push(sender.send(message));
    if (sentIds.length > MAX_SENT_IDS) sentIds.splice(0, sentIds.length - MAX_SENT_IDS);
  };
  // Listening only while there is a target: a listener makes every change render the record's previous state.
  let stopListening: (() => void) | undefined;

  return {
    async configure(options) {
      const previous = sender;
      sender = options ? createWebhookSender(options, counters, attempts) : undefined;
      privateAlerts = options?.privateAlerts ?? false;
      if (sender) stopListening ??= dataset.onChange(onChange);
      else {
        stopListening?.();
        stopListening = undefined;
      }
      await previous?.close();
    },
    takeSentIds: () => sentIds.splice(0),
    get counters() {
      return { ...counters };
    },
    attempts,
    idle: (timeoutMs) => (sender ? sender.idle(timeoutMs) : Promise.resolve()),
    async close() {
      const current = sender;
      sender = undefined;
      stopListening?.();
      stopListening = undefined;
      await current?.close();
    },
  };
}
