import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CELL_SIZES } from '../../protocol/index.ts';
import { operatorOf } from '../api/auth.ts';
import type { ApiDeps } from '../api/deps.ts';
import { errorResponses, idParam, security } from '../api/schemas.ts';

const tags = ['payments'];
const kopecks = z.number().int().min(0).max(100_000_000);

const tariff = z
  .strictObject({
    size: z.enum(CELL_SIZES),
    firstHourKopecks: kopecks,
    nextHourKopecks: kopecks,
    dayCapKopecks: kopecks,
  })
  .refine((t) => t.dayCapKopecks === 0 || t.dayCapKopecks >= t.firstHourKopecks, {
    message: 'dayCapKopecks below firstHourKopecks: the first hour would cost more than a day',
    path: ['dayCapKopecks'],
  });

const profileBody = z.strictObject({
  name: z.string().min(1).max(200),
  tariffs: z
    .array(tariff)
    .min(1)
    .max(CELL_SIZES.length)
    .refine((ts) => new Set(ts.map((t) => t.size)).size === ts.length, 'one tariff per size')
    .describe('sizes not listed keep the network default'),
});

const profileView = z.object({
  id: z.string(),
  name: z.string(),
  tariffs: z.array(
    z.object({
      size: z.enum(CELL_SIZES),
      firstHourKopecks: z.number(),
      nextHourKopecks: z.number(),
      dayCapKopecks: z.number(),
    }),
  ),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** Storage profiles: operators' tariff grids per cell size, bound to lockers. */
export const storageProfileRoutes =
  ({ store }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const base = '/v1/operator/storage-profiles';

    app.post(
      base,
      {
        schema: {
          tags,
          security,
          body: profileBody,
          response: { 201: profileView, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await store.createStorageProfile(operatorOf(request), request.body)),
    );

    app.get(
      base,
      {
        schema: {
          tags,
          security,
          response: { 200: z.object({ profiles: z.array(profileView) }), ...errorResponses },
        },
      },
      async (request) => ({ profiles: await store.listStorageProfiles(operatorOf(request)) }),
    );

    app.get(
      `${base}/:id`,
      {
        schema: {
          tags,
          security,
          params: idParam,
          response: {
            200: profileView.extend({ lockerIds: z.array(z.string()) }),
            ...errorResponses,
          },
        },
      },
      async (request) => store.getStorageProfile(operatorOf(request), request.params.id),
    );

    app.put(
      `${base}/:id`,
      {
        schema: {
          tags,
          security,
          summary:
            'Replace a profile; every locker bound to it gets the new tariffs on its next sync',
          params: idParam,
          body: profileBody,
          response: { 200: profileView, ...errorResponses },
        },
      },
      async (request) =>
        store.updateStorageProfile(operatorOf(request), request.params.id, request.body),
    );

    app.delete(
      `${base}/:id`,
      {
        schema: { tags, security, params: idParam, response: { 204: z.null(), ...errorResponses } },
      },
      async (request, reply) => {
        await store.deleteStorageProfile(operatorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/v1/operator/lockers/:id/storage-profile',
      {
        schema: {
          tags,
          security,
          summary: 'Bind a storage profile to a locker (null: back to the network default)',
          params: idParam,
          body: z.strictObject({ profileId: z.string().min(1).max(100).nullable() }),
          response: {
            200: z.object({
              lockerId: z.string(),
              profileId: z.string().nullable(),
              tariffs: profileView.shape.tariffs,
            }),
            ...errorResponses,
          },
        },
      },
      async (request) =>
        store.bindStorageProfile(operatorOf(request), request.params.id, request.body.profileId),
    );
  };
