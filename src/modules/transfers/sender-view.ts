import { maskName } from '../members/phone.js';

/**
 * What the sender of a transfer may know of its recipient: only what the recipient lookup
 * (`GET /v1/me/transfer-recipient`) shows, the name with its middle hidden (김한밭 → 김*밭) and the
 * masked phone. Sending ₩1 and cancelling it must not reveal more than the lookup did, so every
 * place the sender sees the recipient (the transfer's answers, the outgoing list, the sender's
 * history lines) names them this way, whatever the transfer's state. The recipient sees the
 * sender's name: the sender chose to send.
 */
export function recipientNameForSender(name: string): string {
  return name === '' ? '' : maskName(name);
}

/** The lines of the sender's history that name the recipient. */
const SENDER_LINE_TYPES: ReadonlySet<string> = new Set(['transfer_sent', 'transfer_returned']);

/**
 * The details of a history line as its member may read them: a line of the sender's
 * (`transfer_sent`, `transfer_returned`) names the recipient masked, also when it was stored
 * before names were masked at write. Other lines are returned as they are.
 */
export function transferLineDetailsForMember(
  type: string,
  details: Record<string, unknown>,
): Record<string, unknown> {
  if (!SENDER_LINE_TYPES.has(type)) return details;
  const counterpart = details.counterpart;
  if (typeof counterpart !== 'object' || counterpart === null) return details;
  const { name } = counterpart as { name?: unknown };
  if (typeof name !== 'string') return details;
  return { ...details, counterpart: { ...counterpart, name: recipientNameForSender(name) } };
}
