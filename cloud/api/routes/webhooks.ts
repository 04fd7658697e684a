import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { errorResponses, idParam, security } from '../schemas.ts';

const tags = ['webhooks'];
export const delivery = z.object({
  id: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number(),
  createdAt: z.number(),
  nextAttemptAt: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.number().nullable(),
});

export const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('receives POSTs signed with X-Postamat-Signature: t=<ms>,v1=<hex HMAC-SHA256>');

export const webhookRoutes =
  ({ store }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.put(
      '/v1/webhooks/endpoint',
      {
        schema: {
          tags,
          security,
          summary: 'Set the tenant’s webhook URL; the signing secret is shown once',
          body: z.strictObject({ url: httpUrl }),
          response: {
            200: z.object({ id: z.string(), url: z.string(), secret: z.string() }),
            ...errorResponses,
          },
        },
      },
      async (request) => store.setWebhookEndpoint(tenantOf(request), request.body.url),
    );

    app.get(
      '/v1/webhooks/deliveries',
      {
        schema: {
          tags,
          security,
          querystring: z.strictObject({
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ deliveries: z.array(delivery) }), ...errorResponses },
        },
      },
      async (request) => ({
        deliveries: await store.listDeliveries(tenantOf(request), request.query.limit),
      }),
    );

    app.post(
      '/v1/webhooks/deliveries/:id/replay',
      {
        schema: { tags, security, params: idParam, response: { 202: z.null(), ...errorResponses } },
      },
      async (request, reply) => {
        await store.replayDelivery(tenantOf(request), request.params.id);
        return reply.code(202).send(null);
      },
    );
  };
