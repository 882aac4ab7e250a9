/**
 * The webhooks page's form: a `_webhooks` record as edited, and the body sent to the records API. The secret
 * is write-only in the form: empty on create lets the API generate one (shown once), empty on edit keeps it.
 * Pure; unit-tested.
 */

/** The record events a webhook can send. */
export const WEBHOOK_EVENTS = ["create", "update", "delete"] as const;

/** The delivery statuses the deliveries table filters by. */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

/** The form's state. */
export interface WebhookForm {
  name: string;
  url: string;
  events: string[];
  /** Collection names; empty means every collection. */
  collections: string[];
  filter: string;
  active: boolean;
  /** A new secret to set; "" generates one (create) or keeps the stored one (edit). */
  secret: string;
}

/** The form for a new webhook, or for editing `record` (its secret is never put in the form). */
export function webhookForm(record?: Record<string, unknown> | null): WebhookForm {
  if (!record) {
    return {
      name: "",
      url: "",
      events: ["create", "update", "delete"],
      collections: [],
      filter: "",
      active: true,
      secret: "",
    };
  }
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    name: String(record.name ?? ""),
    url: String(record.url ?? ""),
    events: list(record.events),
    collections: list(record.collections),
    filter: String(record.filter ?? ""),
    active: record.active === true,
    secret: "",
  };
}

/** The body for create or update: trimmed, events in a fixed order, the secret only when one was typed. */
export function webhookBody(form: WebhookForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    url: form.url.trim(),
    events: WEBHOOK_EVENTS.filter((e) => form.events.includes(e)),
    collections: [...new Set(form.collections.map((c) => c.trim()).filter(Boolean))],
    filter: form.filter.trim(),
    active: form.active,
  };
  if (form.secret.trim()) body.secret = form.secret.trim();
  return body;
}

/** The deliveries list filter for a status ("" = any) and a webhook id ("" = any), in the filter language. */
export function deliveriesFilter(status: string, webhookId: string): string {
  const terms: string[] = [];
  if (status) terms.push(`status = ${JSON.stringify(status)}`);
  if (webhookId) terms.push(`webhook = ${JSON.stringify(webhookId)}`);
  return terms.join(" && ");
}
