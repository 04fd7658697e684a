import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ORDER_STATUSES } from '../../../protocol/index.ts';
import type { OrderScope } from '../../store/order-search.ts';
import { callerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { forbidden, notFound } from '../http-error.ts';
import { errorResponses, idParam, orderView, security } from '../schemas.ts';

const tags = ['orders'];

/** Finding orders and reading what lockers reported about one: tenants and operators alike. */
export const orderSearchRoutes =
  ({ store }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    function scopeOf(request: Parameters<typeof callerOf>[0]): OrderScope {
      const caller = callerOf(request);
      if (caller.kind === 'tenant') return { tenantId: caller.id };
      if (caller.kind === 'operator') return { operatorId: caller.id };
      throw forbidden('orders are for tenants and operators');
    }

    app.get(
      '/v1/orders/search',
      {
        schema: {
          tags,
          security,
          summary:
            'Find orders by id, barcode, external ref or the last 4 digits of the recipient’s phone; a tenant its own, an operator those at its lockers',
          querystring: z.strictObject({
            q: z.string().max(100).optional(),
            status: z.enum(ORDER_STATUSES).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ orders: z.array(orderView) }), ...errorResponses },
        },
      },
      async (request) => ({ orders: await store.searchOrders(scopeOf(request), request.query) }),
    );

    app.get(
      '/v1/orders/:id/events',
      {
        schema: {
          tags,
          security,
          summary:
            'What the lockers reported about the order (doors, parcels, steps), oldest first',
          params: idParam,
          response: {
            200: z.object({
              events: z.array(
                z.object({
                  lockerId: z.string(),
                  seq: z.number(),
                  at: z.number(),
                  receivedAt: z.number(),
                  type: z.string(),
                  body: z.unknown(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const scope = scopeOf(request);
        const [found] = await store.searchOrders(scope, { q: request.params.id, limit: 1 });
        if (found?.id !== request.params.id) throw notFound(`order "${request.params.id}"`);
        return { events: await store.orderEvents(request.params.id) };
      },
    );
  };
