import { Webhook } from "standardwebhooks";

/** The headers Svix sends with `body`: its Standard Webhooks id, timestamp and signature with `secret` at `at`. */
export function signWebhook(secret: string, webhookId: string, body: string, at = new Date()): Record<string, string> {
  return {
    "content-type": "application/json",
    "webhook-id": webhookId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(webhookId, at, body),
  };
}

/**
 * Posts the event `{event_type: type, [type]: object}` to serve at `url` (its base), signed as Svix
 * signs it; resolves with the status, or 0 when serve could not be reached.
 */
export async function postWebhook(url: string, secret: string, webhookId: string, type: string, object: unknown): Promise<number> {
  const body = JSON.stringify({ event_type: type, [type]: object });
  const response = await fetch(`${url}/webhooks/incidentio`, { method: "POST", headers: signWebhook(secret, webhookId, body), body, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  await response?.arrayBuffer();
  return response?.status ?? 0;
}
