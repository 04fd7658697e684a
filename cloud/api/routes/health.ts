import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';

const check = z.enum(['ok', 'failing']);

export const healthRoutes =
  ({ store, brokerHealthy, metrics }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/health',
      {
        schema: {
          tags: ['service'],
          response: {
            200: z.object({ status: check, store: check, broker: check }),
            503: z.object({ status: check, store: check, broker: check }),
          },
        },
      },
      async (_request, reply) => {
        const storeOk = await store.ping().then(
          () => true,
          () => false,
        );
        const brokerOk = await Promise.resolve()
          .then(brokerHealthy)
          .catch(() => false);
        const body = {
          status: storeOk && brokerOk ? ('ok' as const) : ('failing' as const),
          store: storeOk ? ('ok' as const) : ('failing' as const),
          broker: brokerOk ? ('ok' as const) : ('failing' as const),
        };
        return reply.code(storeOk && brokerOk ? 200 : 503).send(body);
      },
    );

    app.get('/metrics', { schema: { tags: ['service'], hide: true } }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
