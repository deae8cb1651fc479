import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { Rng } from "./random";
import type { WebhookMessage } from "./webhook-payloads";

/**
 * Svix's waits before each redelivery of an event not answered 2xx: 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h and 10 h, eight attempts over about a day.
 */
export const SVIX_REDELIVERY_DELAYS_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
// Svix gives an endpoint 15 s to answer before it counts the attempt as failed.
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_CONCURRENCY = 8;
// A held-back event goes out after this long when no newer event comes to overtake it.
const HOLD_MS = 1_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export interface RedeliveryOptions {
  /** Waits before each redelivery (default Svix's); the last is repeated if attempts allow more. */
  readonly delaysMs?: readonly number[];
  /** Multiplies every wait, so a test plays Svix's day in seconds (default 1). */
  readonly scale?: number;
  /** Attempts per event, the first included, before the sender gives up (default one more than the waits). */
  readonly maxAttempts?: number;
  /** How long one attempt may take before it counts as failed (default 15 s). */
  readonly timeoutMs?: number;
}

/** Deliveries a real endpoint sees now and then, and must cope with; both default to 0. */
interface DeliveryKnobs {
  /** Share (0..1) of events held back until the next event has been delivered: an older event arrives after a newer one (at 1, every pair swapped). */
  outOfOrder: number;
  /** Share (0..1) of delivered events delivered once more with the same `webhook-id`. */
  duplicates: number;
}

/** Where a sandbox posts its events, and how. */
export interface WebhookTarget {
  readonly url: string;
  /** The endpoint's `whsec_…` signing secret. */
  readonly secret: string;
  readonly redelivery?: RedeliveryOptions;
  readonly knobs?: Partial<DeliveryKnobs>;
  /** Deliveries in flight at once (default 8). */
  readonly concurrency?: number;
  /** Seeds which events the knobs pick (default 1). */
  readonly seed?: number;
}

/** Totals since the sandbox started. */
export interface WebhookCounters {
  /** Events handed to the sender. */
  sent: number;
  /** HTTP deliveries tried, duplicates included. */
  attempts: number;
  /** Events answered 2xx. */
  delivered: number;
  /** Attempts that followed a failed attempt of the same event. */
  redelivered: number;
  /** Events dropped after their last attempt failed. */
  gaveUp: number;
  /** Extra deliveries of an event already answered 2xx (the `duplicates` knob). */
  duplicated: number;
  /** Events the `outOfOrder` knob held back behind a newer one. */
  heldBack: number;
  /** Events neither delivered nor given up yet. */
  pending: number;
}

/** One delivery attempt, as the endpoint saw it. */
export interface DeliveryAttempt {
  readonly webhookId: string;
  readonly eventType: string;
  /** 1 for the first attempt of an event. */
  readonly attempt: number;
  /** Epoch milliseconds at which it was signed and posted. */
  readonly at: number;
  readonly duplicate: boolean;
  /** The answer's status, when there was one. */
  readonly status?: number;
  /** Why there was no answer: a refused connection, a timeout. */
  readonly error?: string;
}

export interface WebhookSender {
  /** Queues one event; returns its `webhook-id`. */
  send(message: WebhookMessage): string;
  /** Resolves once every event was delivered or given up and nothing is in flight; rejects after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops sending: queued and scheduled attempts are dropped, the ones in flight finish. */
  close(): Promise<void>;
}

export function createWebhookCounters(): WebhookCounters {
  return { sent: 0, attempts: 0, delivered: 0, redelivered: 0, gaveUp: 0, duplicated: 0, heldBack: 0, pending: 0 };
}

/** The wait before the next attempt of an event after `attempts` failed ones, or undefined to give up. */
export function redeliveryDelayMs(attempts: number, options: RedeliveryOptions = {}): number | undefined {
  const delays = options.delaysMs ?? SVIX_REDELIVERY_DELAYS_MS;
  const maxAttempts = options.maxAttempts ?? delays.length + 1;
  if (attempts >= maxAttempts || delays.length === 0) return undefined;
  const delay = delays[Math.min(attempts, delays.length) - 1] ?? 0;
  return Math.round(delay * (options.scale ?? 1));
}

/** Whether an answer counts as delivered: Svix retries anything but a 2xx. */
export function isDelivered(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

/** Why a fetch got no answer, as short as the endpoint's logs would say it: `ECONNREFUSED`, `TimeoutError`. */
function describeFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? (error.name === "Error" || error.name === "TypeError" ? error.message : error.name) : String(error);
}

interface Outgoing {
  readonly webhookId: string;
  readonly eventType: string;
  readonly body: string;
  attempts: number;
  readonly duplicate: boolean;
  /** Held-back events that may go once this one's first attempt is over. */
  releases: Outgoing[];
  released: boolean;
  holdTimer?: NodeJS.Timeout;
}

/**
 * Posts events as Svix does for Incident.io: signed with standardwebhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`), each attempt signed anew, and any answer but a 2xx, a
 * refused connection or a timeout redelivered on `target.redelivery`'s schedule until its attempts
 * run out. `counters` and `log` are the caller's, so they outlive a sender replaced by another.
 */
export function createWebhookSender(target: WebhookTarget, counters: WebhookCounters, log: DeliveryAttempt[]): WebhookSender {
  const signer = new Webhook(target.secret);
  const redelivery = target.redelivery ?? {};
  const timeoutMs = redelivery.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const concurrency = Math.max(1, target.concurrency ?? DEFAULT_CONCURRENCY);
  const knobs: DeliveryKnobs = { outOfOrder: target.knobs?.outOfOrder ?? 0, duplicates: target.knobs?.duplicates ?? 0 };
  const rng = new Rng(target.seed ?? 1);
  const ready: Outgoing[] = [];
  // Held-back events waiting for a newer one to overtake them, and all those not yet released.
  let held: Outgoing[] = [];
  const parked = new Set<Outgoing>();
  const timers = new Set<NodeJS.Timeout>();
  const idleWaiters = new Set<() => void>();
  let inFlight = 0;
  let closed = false;

  const isIdle = (): boolean => inFlight === 0 && ready.length === 0 && parked.size === 0 && timers.size === 0;
  const checkIdle = (): void => {
    if (!isIdle()) return;
    for (const wake of idleWaiters) wake();
    idleWaiters.clear();
  };

  const later = (ms: number, run: () => void): NodeJS.Timeout => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
      checkIdle();
    }, ms);
    timers.add(timer);
    return timer;
  };

  // Released events go first: each arrives right after the newer event that overtook it.
  const release = (items: readonly Outgoing[]): void => {
    for (const item of [...items].reverse()) {
      if (item.released) continue;
      item.released = true;
      parked.delete(item);
      if (item.holdTimer) {
        clearTimeout(item.holdTimer);
        timers.delete(item.holdTimer);
      }
      held = held.filter((other) => other !== item);
      ready.unshift(item);
    }
    pump();
  };

  const settle = (item: Outgoing, status: number | undefined): void => {
    if (item.duplicate) return;
    if (isDelivered(status)) {
      counters.delivered += 1;
      counters.pending -= 1;
      if (knobs.duplicates > 0 && rng.chance(knobs.duplicates)) {
        counters.duplicated += 1;
        ready.push({ ...item, duplicate: true, releases: [] });
      }
      return;
    }
    // A closed sender schedules nothing: a timer for Svix's next wait would keep the process alive for hours.
    if (closed) return;
    const delay = redeliveryDelayMs(item.attempts, redelivery);
    if (delay === undefined) {
      counters.gaveUp += 1;
      counters.pending -= 1;
      return;
    }
    later(delay, () => {
      if (closed) return;
      ready.push(item);
      pump();
    });
  };

  const deliver = async (item: Outgoing): Promise<void> => {
    if (!item.duplicate) item.attempts += 1;
    if (item.attempts > 1 && !item.duplicate) counters.redelivered += 1;
    counters.attempts += 1;
    const at = new Date();
    let status: number | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Svix-Webhooks/1.0 (incident.io sandbox)",
          "webhook-id": item.webhookId,
          "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
          "webhook-signature": signer.sign(item.webhookId, at, item.body),
        },
        body: item.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      // Read to the end so that the connection can carry the next delivery.
      await response.arrayBuffer().catch(() => undefined);
    } catch (failure) {
      error = describeFailure(failure);
    }
    log.push({ webhookId: item.webhookId, eventType: item.eventType, attempt: item.attempts, at: at.getTime(), duplicate: item.duplicate, ...(status === undefined ? {} : { status }), ...(error === undefined ? {} : { error }) });
    settle(item, status);
    if (item.releases.length > 0) release(item.releases.splice(0));
  };

  const pump = (): void => {
    while (!closed && inFlight < concurrency && ready.length > 0) {
      const item = ready.shift() as Outgoing;
      inFlight += 1;
      void deliver(item).finally(() => {
        inFlight -= 1;
        pump();
        checkIdle();
      });
    }
  };

  return {
    send(message) {
      const item: Outgoing = { webhookId: `msg_${randomUUID().replace(/-/g, "")}`, eventType: message.eventType, body: JSON.stringify(message.body), attempts: 0, duplicate: false, releases: [], released: false };
      counters.sent += 1;
      counters.pending += 1;
      if (closed) return item.webhookId;
      // Only one event waits at a time, so the next one overtakes it: at 1, every pair arrives swapped.
      if (held.length === 0 && knobs.outOfOrder > 0 && rng.chance(knobs.outOfOrder)) {
        counters.heldBack += 1;
        held.push(item);
        parked.add(item);
        item.holdTimer = later(HOLD_MS, () => release([item]));
        return item.webhookId;
      }
      item.released = true;
      item.releases = held.splice(0);
      ready.push(item);
      pump();
      return item.webhookId;
    },
    idle(idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS) {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          idleWaiters.delete(wake);
          reject(new Error(`webhooks still busy after ${idleTimeoutMs} ms: ${JSON.stringify(counters)}`));
        }, idleTimeoutMs);
        idleWaiters.add(wake);
      });
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      ready.length = 0;
      held = [];
      parked.clear();
      // Attempts in flight end within their timeout; waiting for them keeps a test's sockets from outliving it.
      for (let waited = 0; inFlight > 0 && waited < timeoutMs + 1_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
