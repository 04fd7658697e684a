import { newId } from '../../security/secrets.ts';
import { SIGNATURE_HEADER, signatureHeader } from '../../webhooks/signature.ts';
import { fetchPost, type WebhookPost } from '../../webhooks/webhook-worker.ts';
import type { NotificationProvider } from './notification-provider.ts';
import { sendFailure } from './notification-provider.ts';

/** The tenant's active webhook endpoint, as the webhooks part keeps it. */
export type EndpointOf = (
  tenantId: string,
) => Promise<{ readonly url: string; readonly secret: string } | undefined>;

/**
 * The message for the tenant or partner to deliver itself (a push in its app), signed like
 * every postamat webhook. The phone is not sent: the tenant knows its customer by the order.
 */
export function webhookProvider(
  endpointOf: EndpointOf,
  now: () => number,
  post: WebhookPost = fetchPost,
): NotificationProvider {
  return {
    channel: 'webhook',
    addressesPhone: false,
    async send(message) {
      const endpoint = await endpointOf(message.tenantId);
      if (endpoint === undefined)
        return { ok: false, error: 'no webhook endpoint', permanent: true };
      const timestamp = now();
      const body = JSON.stringify({
        id: newId('wh'),
        event: 'order.notification',
        createdAt: timestamp,
        data: {
          orderId: message.orderId,
          notificationId: message.id,
          event: message.event,
          language: message.language,
          text: message.text,
        },
      });
      const headers = {
        'content-type': 'application/json',
        'x-postamat-delivery': message.id,
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, body),
      };
      try {
        const { status } = await post(endpoint.url, headers, body);
        return status >= 200 && status < 300
          ? { ok: true }
          : { ok: false, error: `HTTP ${status}` };
      } catch (error) {
        return { ok: false, error: sendFailure(error) };
      }
    },
  };
}
