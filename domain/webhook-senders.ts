/**
 * How well-known webhook senders' requests look, so verify can send one shaped like theirs (EDGE-BOTS):
 * the User-Agent and the method. Read 2026-12-03:
 * - GitHub: "the User-Agent for the requests will have the prefix GitHub-Hookshot/", deliveries
 *   are HTTP POST (GitHub Docs, "Webhook events and payloads", Delivery headers:
 *   https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers).
 * - Stripe: POST with `User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)`. Stripe's docs
 *   (https://docs.stripe.com/webhooks) say events arrive as HTTPS POSTs but do not state the
 *   User-Agent; this is the value public captures of Stripe's deliveries show.
 */
export const WEBHOOK_SENDERS = {
  stripe: { name: "Stripe", userAgent: "Stripe/1.0 (+https://stripe.com/docs/webhooks)", method: "POST" },
  github: { name: "GitHub", userAgent: "GitHub-Hookshot/044aadd", method: "POST" },
} as const satisfies Record<string, { name: string; userAgent: string; method: string }>;

export type WebhookSenderId = keyof typeof WEBHOOK_SENDERS;
export const WEBHOOK_SENDER_IDS = Object.keys(WEBHOOK_SENDERS) as [WebhookSenderId, ...WebhookSenderId[]];

export interface WebhookSender {
  name: string;
  userAgent: string;
  method: string;
}

/** A sender as the stack file names it: a known one by ID, or any other by its User-Agent. */
export function webhookSender(sender: WebhookSenderId | { name: string; userAgent: string } | undefined): WebhookSender | undefined {
  if (sender === undefined) return undefined;
  return typeof sender === "string" ? WEBHOOK_SENDERS[sender] : { ...sender, method: "POST" };
}
