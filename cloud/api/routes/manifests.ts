import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { epochMs, errorResponses, idParam, lockerId, security } from '../schemas.ts';

const tags = ['manifests'];

const item = z.object({
  orderId: z.string(),
  stepId: z.string(),
  barcode: z.string(),
  size: z.string(),
  reason: z.enum(['return', 'expired', 'round-trip', 'transfer']).optional(),
});
export const manifestView = z.object({
  id: z.string(),
  courierId: z.string(),
  createdAt: z.number(),
  passWindowMs: z.number(),
  stops: z.array(
    z.object({
      lockerId: z.string(),
      siteId: z.string().nullable(),
      visitAt: z.number(),
      deposit: z.array(item),
      collect: z.array(item),
    }),
  ),
});

const manifestBody = z
  .strictObject({
    courierId: z.string().min(1).max(100),
    stops: z
      .array(z.strictObject({ lockerId, visitAt: epochMs.optional() }))
      .min(1)
      .max(200)
      .optional(),
    orderIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
    visitAt: epochMs.optional(),
    passWindowMinutes: z.number().int().min(5).max(240).optional(),
  })
  .refine((b) => b.stops !== undefined || b.orderIds !== undefined, {
    message: 'give the route as stops, or orderIds to derive it from',
    path: ['stops'],
  });

/** A courier's route: per locker what to deposit and what to collect, for carriers' systems. */
export const manifestRoutes =
  ({ store }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/manifests',
      {
        schema: {
          tags,
          security,
          summary: 'Plan a courier’s route; gives passes to closed sites on it',
          body: manifestBody,
          response: { 201: manifestView, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await store.createManifest(tenantOf(request), request.body)),
    );

    app.get(
      '/v1/manifests',
      {
        schema: {
          tags,
          security,
          querystring: z.strictObject({ courierId: z.string().min(1).max(100).optional() }),
          response: {
            200: z.object({
              manifests: z.array(
                z.object({ id: z.string(), courierId: z.string(), createdAt: z.number() }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({
        manifests: await store.listManifests(tenantOf(request), request.query.courierId),
      }),
    );

    app.get(
      '/v1/manifests/:id',
      {
        schema: {
          tags,
          security,
          summary: 'The manifest as the work stands now (done steps drop out)',
          params: idParam,
          response: { 200: manifestView, ...errorResponses },
        },
      },
      async (request) => store.manifest(tenantOf(request), request.params.id),
    );
  };
