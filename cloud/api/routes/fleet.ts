import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CELL_FEATURES, statusSchema } from '../../../protocol/index.ts';
import { operatorOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { notFound } from '../http-error.ts';
import { errorResponses, idParam, security, size } from '../schemas.ts';

const tags = ['console'];
const sizes = z.object({ S: z.number(), M: z.number(), L: z.number(), XL: z.number() });

const fleetLocker = z.object({
  id: z.string(),
  address: z.string(),
  siteId: z.string().nullable(),
  siteName: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  online: z.boolean(),
  lastSeenAt: z.number().nullable(),
  offlineSince: z.number().nullable().describe('last seen, while offline'),
  openAlarms: z.number(),
  free: sizes.describe('in-service cells minus bookings covering now'),
  cells: sizes,
});

const lastStatus = z
  .object({
    receivedAt: z.number(),
    at: z.number(),
    online: z.boolean(),
    version: z.string().optional(),
    uptimeS: z.number().optional(),
    outboxDepth: z.number().optional(),
    syncVersion: z.number().optional(),
    boards: statusSchema.shape.boards,
  })
  .nullable()
  .describe('the last status message the locker sent, as it sent it');

const lockerDetail = fleetLocker.extend({
  cells: sizes,
  cellList: z.array(
    z.object({
      cellId: z.string(),
      size,
      features: z.array(z.enum(CELL_FEATURES)),
      bus: z.string(),
      board: z.number(),
      channel: z.number(),
      inService: z.boolean(),
      state: z.enum(['free', 'occupied', 'out-of-service', 'alarm']),
      order: z
        .object({
          orderId: z.string(),
          tenantId: z.string(),
          status: z.string(),
          since: z.number(),
        })
        .nullable(),
      alarms: z.array(z.object({ id: z.string(), kind: z.string() })),
    }),
  ),
  sync: z.object({
    cloudSyncVersion: z.number(),
    committedSeq: z.number().describe('last locker event the cloud committed'),
    lastEventAt: z.number().nullable(),
    lastEventReceivedAt: z.number().nullable(),
    commandsInFlight: z.number(),
    lastStatus,
  }),
});

export const fleetRoutes =
  ({ store }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/operator/lockers',
      {
        schema: {
          tags,
          security,
          summary: 'The fleet: state, alarms and free capacity of every locker, filtered and paged',
          querystring: z.strictObject({
            q: z.string().max(200).optional().describe('part of the id, address or site name'),
            siteId: z.string().max(100).optional(),
            state: z.enum(['online', 'offline', 'alarm']).optional(),
            limit: z.coerce.number().int().min(1).max(5000).default(500),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: {
            200: z.object({ total: z.number(), lockers: z.array(fleetLocker) }),
            ...errorResponses,
          },
        },
      },
      async (request) => store.fleetLockers(operatorOf(request), request.query),
    );

    app.get(
      '/v1/operator/lockers/:id',
      {
        schema: {
          tags,
          security,
          summary: 'One locker: cells with state and current order, last status, sync and outbox',
          params: idParam,
          response: { 200: lockerDetail, ...errorResponses },
        },
      },
      async (request) => {
        const operatorId = operatorOf(request);
        const lockerId = request.params.id;
        await store.assertOperatorOwns(operatorId, lockerId);
        const { lockers } = await store.fleetLockers(operatorId, {
          q: lockerId,
          limit: 5000,
          offset: 0,
        });
        const summary = lockers.find((l) => l.id === lockerId);
        if (summary === undefined) throw notFound(`locker "${lockerId}"`);
        const cells = await store.lockerCells(lockerId);
        const occupancy = await store.cellOccupancy(lockerId);
        const alarms = await store.operatorAlarms(operatorId, {
          open: true,
          lockerId,
          limit: 1000,
        });
        const cellList = cells.map((c) => {
          const cellAlarms = alarms
            .filter((a) => a.cellId === c.cellId)
            .map((a) => ({ id: a.id, kind: a.kind }));
          const order = occupancy.get(c.cellId) ?? null;
          const state = !c.inService
            ? ('out-of-service' as const)
            : cellAlarms.length > 0
              ? ('alarm' as const)
              : order !== null
                ? ('occupied' as const)
                : ('free' as const);
          return { ...c, state, order, alarms: cellAlarms };
        });
        return { ...summary, cellList, sync: await store.lockerSyncState(lockerId) };
      },
    );

    app.get(
      '/v1/operator/lockers/:id/events',
      {
        schema: {
          tags,
          security,
          summary: 'The locker’s event log (doors, parcels, alarms, commands), newest first',
          params: idParam,
          querystring: z.strictObject({
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            beforeSeq: z.coerce.number().int().min(1).optional(),
            type: z.string().max(100).optional().describe('e.g. door.opened'),
          }),
          response: {
            200: z.object({
              events: z.array(
                z.object({
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
        await store.assertOperatorOwns(operatorOf(request), request.params.id);
        const { limit, beforeSeq, type } = request.query;
        return { events: await store.lockerEvents(request.params.id, limit, beforeSeq, type) };
      },
    );
  };
