import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { forbidden, notFound, unprocessable } from '../http-error.ts';
import { epochMs, errorResponses, idParam, lockerView, security, size } from '../schemas.ts';

const tags = ['lockers'];
const HOUR = 3_600_000;

const searchQuery = z.strictObject({
  lat: z.coerce.number().min(-90).max(90),
  lon: z.coerce.number().min(-180).max(180),
  size,
  radiusKm: z.coerce.number().positive().max(50).default(3),
  from: z.coerce.number().pipe(epochMs).optional(),
  until: z.coerce.number().pipe(epochMs).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

const nearby = z.object({
  lockerId: z.string(),
  address: z.string(),
  distanceKm: z.number(),
  free: z.number(),
});

export const lockerRoutes =
  ({ store, clock }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    /** Tenants see lockers opened to them, operators their own. */
    async function visibleLockers(request: Parameters<typeof callerOf>[0]) {
      const caller = callerOf(request);
      if (caller.kind === 'tenant') return store.listLockers({ tenantId: caller.id });
      if (caller.kind === 'operator') return store.listLockers({ operatorId: caller.id });
      throw forbidden('lockers are listed for tenants and operators');
    }

    app.get(
      '/v1/lockers',
      {
        schema: {
          tags,
          security,
          response: { 200: z.object({ lockers: z.array(lockerView) }), ...errorResponses },
        },
      },
      async (request) => ({ lockers: await visibleLockers(request) }),
    );

    app.get(
      '/v1/lockers/search',
      {
        schema: {
          tags,
          security,
          summary: 'Lockers near a point with free capacity of a size over a window',
          querystring: searchQuery,
          response: { 200: z.object({ lockers: z.array(nearby) }), ...errorResponses },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        if (caller.kind !== 'tenant') throw forbidden('search is for tenants');
        const q = request.query;
        const from = q.from ?? clock.now();
        const until = q.until ?? from + 72 * HOUR;
        if (until <= from) throw unprocessable('until must be after from', { field: 'until' });
        const center = { lat: q.lat, lon: q.lon };
        const window = { from, until };
        return {
          lockers: await store.searchLockers(
            caller.id,
            center,
            q.radiusKm,
            q.size,
            window,
            q.limit,
          ),
        };
      },
    );

    app.get(
      '/v1/lockers/:id',
      {
        schema: {
          tags,
          security,
          params: idParam,
          response: { 200: lockerView, ...errorResponses },
        },
      },
      async (request) => {
        const locker = (await visibleLockers(request)).find((l) => l.id === request.params.id);
        if (locker === undefined) throw notFound(`locker "${request.params.id}"`);
        return locker;
      },
    );
  };
