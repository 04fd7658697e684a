import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { operatorOf } from '../api/auth.ts';
import type { ApiDeps } from '../api/deps.ts';
import { errorResponses, security } from '../api/schemas.ts';

const recordedMessage = z.object({
  id: z.string(),
  orderId: z.string(),
  channel: z.string(),
  event: z.string(),
  language: z.string(),
  phone: z.string().nullable().describe('masked: +7 *** ***-45-67; null once erased'),
  text: z.string().nullable().describe('codes masked; null once erased'),
  createdAt: z.number(),
});

/** Codes are six digits; the operator sees that a code was sent, never which. */
export function maskCodes(text: string): string {
  return text.replace(/\d{6}/g, '******');
}

/** The recording provider's messages for the operator's console (the demo shows them). */
export const notificationRoutes =
  ({ store, notifications }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/operator/notifications',
      {
        schema: {
          tags: ['operator'],
          security,
          summary: 'Messages the recording provider kept, masked',
          querystring: z.strictObject({
            orderId: z.string().min(1).max(100).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ messages: z.array(recordedMessage) }), ...errorResponses },
        },
      },
      async (request) => {
        const operatorId = operatorOf(request);
        const { limit, orderId } = request.query;
        const rows = await store.recordedMessages(operatorId, limit, orderId);
        const messages = rows.map(({ phoneSealed, textSealed, ...row }) => ({
          ...row,
          phone: phoneSealed === null ? null : row.phone,
          text:
            textSealed === null || notifications === undefined
              ? null
              : maskCodes(notifications.vault.open(textSealed)),
        }));
        return { messages };
      },
    );
  };
