import type { Language, NotificationEvent } from '../domain/notification-plan.ts';

/** One message, rendered, in clear only in memory between the queue and the provider. */
export interface OutgoingMessage {
  readonly id: string;
  readonly orderId: string;
  readonly tenantId: string;
  readonly event: NotificationEvent;
  readonly language: Language;
  /** Null for channels that do not address a phone (the tenant's webhook). */
  readonly phone: string | null;
  readonly text: string;
}

/** `permanent` failures are not retried (a bad number, a missing endpoint). */
export type SendResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly permanent?: boolean };

/** A channel messages go through: SMS gateway, the tenant's webhook, the recording provider. */
export interface NotificationProvider {
  readonly channel: string;
  /** Messages to a phone count against its hourly limit and need the phone opened. */
  readonly addressesPhone: boolean;
  send(message: OutgoingMessage): Promise<SendResult>;
}

/** A network error named without its message: messages may carry the URL, and so a phone. */
export function sendFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return `network: ${cause.code}`;
  return error instanceof Error ? `network: ${error.name}` : 'network: send failed';
}
