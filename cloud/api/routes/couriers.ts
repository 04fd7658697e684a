import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { unprocessable } from '../http-error.ts';
import { errorResponses, idParam, security } from '../schemas.ts';

const tags = ['couriers'];
const courier = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  createdAt: z.number(),
  active: z.boolean(),
});

/** A tenant's couriers and their daily locker codes (derived, never stored). */
export const courierRoutes =
  ({ store, clock }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/couriers',
      {
        schema: {
          tags,
          security,
          body: z.strictObject({ name: z.string().min(1).max(200) }),
          response: { 201: courier, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await store.createCourier(tenantOf(request), request.body.name)),
    );

    app.get(
      '/v1/couriers',
      {
        schema: {
          tags,
          security,
          response: { 200: z.object({ couriers: z.array(courier) }), ...errorResponses },
        },
      },
      async (request) => ({ couriers: await store.listCouriers(tenantOf(request)) }),
    );

    app.get(
      '/v1/couriers/:id/daily-code',
      {
        schema: {
          tags,
          security,
          summary: 'The courier’s 8-digit locker code for a UTC day (today by default)',
          params: idParam,
          querystring: z.strictObject({ date: z.iso.date().optional() }),
          response: {
            200: z.object({
              courierId: z.string(),
              code: z.string(),
              validFrom: z.number(),
              validUntil: z.number(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const at =
          request.query.date === undefined
            ? clock.now()
            : Date.parse(`${request.query.date}T00:00:00Z`);
        if (Number.isNaN(at))
          throw unprocessable(`no such day "${request.query.date}"`, { field: 'date' });
        return store.courierDailyCode(tenantOf(request), request.params.id, at);
      },
    );

    app.delete(
      '/v1/couriers/:id',
      {
        schema: { tags, security, params: idParam, response: { 204: z.null(), ...errorResponses } },
      },
      async (request, reply) => {
        await store.deactivateCourier(tenantOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
