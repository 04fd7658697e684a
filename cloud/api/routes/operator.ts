import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CELL_FEATURES, PostamatError } from '../../../protocol/index.ts';
import { operatorOf } from '../auth.ts';
import { actorOf } from '../console-auth.ts';
import type { ApiDeps } from '../deps.ts';
import { errorResponses, idParam, lockerId, security, size } from '../schemas.ts';
import { agentConfigFile } from './agent-config.ts';
import { alarmView } from './alarms.ts';

const tags = ['operator'];
const reason = z.string().min(3).max(500);

const cellSpec = z.strictObject({
  cellId: z.string().min(1).max(32),
  bus: z.string().min(1).max(64),
  board: z.number().int().min(1).max(247),
  channel: z.number().int().min(1).max(256),
  size,
  features: z.array(z.enum(CELL_FEATURES)).max(CELL_FEATURES.length).default([]),
});

const lockerSpec = z.strictObject({
  id: lockerId,
  siteId: z.string().min(1).max(100).optional(),
  address: z.string().min(1).max(300),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  cells: z
    .array(cellSpec)
    .min(1)
    .max(500)
    .refine(
      (cells) => new Set(cells.map((c) => c.cellId)).size === cells.length,
      'cell ids must be unique',
    ),
});

const commandView = z.object({
  id: z.string(),
  lockerId: z.string(),
  type: z.string(),
  issuedAt: z.number(),
  expiresAt: z.number(),
});

export const operatorRoutes =
  (deps: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { store } = deps;

    app.post(
      '/v1/operator/sites',
      {
        schema: {
          tags,
          security,
          body: z.strictObject({
            name: z.string().min(1).max(200),
            kind: z.enum(['residential-complex', 'office-centre', 'other']),
            address: z.string().min(1).max(300),
          }),
          response: { 201: z.object({ id: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const site = await store.createSite(operatorOf(request), request.body);
        return reply.code(201).send({ id: site.id });
      },
    );

    app.post(
      '/v1/operator/lockers',
      {
        schema: {
          tags,
          security,
          summary: 'Provision a locker: its MQTT credentials, code hash key and agent config file',
          body: lockerSpec,
          response: {
            201: z.object({ lockerId: z.string(), agentConfig: z.record(z.string(), z.unknown()) }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const spec = request.body;
        const issued = await store.provisionLocker(operatorOf(request), spec);
        const agentConfig = agentConfigFile(spec, issued, {
          url: deps.publicMqttUrl,
          topicPrefix: deps.mqttTopicPrefix,
        });
        return reply.code(201).send({ lockerId: issued.lockerId, agentConfig });
      },
    );

    app.post(
      '/v1/operator/tenants/:id/access',
      {
        schema: { tags, security, params: idParam, response: { 204: z.null(), ...errorResponses } },
      },
      async (request, reply) => {
        await store.grantTenant(operatorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/operator/fleet',
      {
        schema: {
          tags,
          security,
          response: {
            200: z.object({
              lockers: z.number(),
              online: z.number(),
              openAlarms: z.number(),
              offline: z.array(
                z.object({ lockerId: z.string(), lastSeenAt: z.number().nullable() }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => store.fleetStatus(operatorOf(request)),
    );

    app.get(
      '/v1/operator/alarms',
      {
        schema: {
          tags,
          security,
          summary: 'Alarms across the network; open: neither cleared by the locker nor resolved',
          querystring: z.strictObject({
            open: z.enum(['true', 'false']).default('true'),
            lockerId: z.string().max(100).optional(),
            limit: z.coerce.number().int().min(1).max(5000).default(1000),
          }),
          response: { 200: z.object({ alarms: z.array(alarmView) }), ...errorResponses },
        },
      },
      async (request) => ({
        alarms: await store.operatorAlarms(operatorOf(request), {
          ...request.query,
          open: request.query.open === 'true',
        }),
      }),
    );

    app.post(
      '/v1/operator/lockers/:id/remote-open',
      {
        schema: {
          tags,
          security,
          summary:
            'Open a cell remotely: audited, with a reason, expiring if not delivered in time',
          params: idParam,
          body: z.strictObject({
            cellId: z.string().min(1).max(32),
            reason,
            ttlSeconds: z.number().int().min(5).max(3600).default(120),
          }),
          response: { 202: commandView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const operatorId = operatorOf(request);
        await store.assertOperatorOwns(operatorId, request.params.id);
        const { cellId, reason: why, ttlSeconds } = request.body;
        const command = await store.createCommand({
          lockerId: request.params.id,
          type: 'remote-open',
          body: { cellId, reason: why, operator: operatorId },
          ttlMs: ttlSeconds * 1000,
          actor: actorOf(request),
        });
        return reply.code(202).send(command);
      },
    );

    app.post(
      '/v1/operator/lockers/:id/cells/:cellId/service',
      {
        schema: {
          tags,
          security,
          summary: 'Take a cell out of service or back in; bookings count only cells in service',
          params: z.strictObject({
            id: z.string().min(1).max(100),
            cellId: z.string().min(1).max(32),
          }),
          body: z.strictObject({ inService: z.boolean(), reason }),
          response: { 202: commandView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const operatorId = operatorOf(request);
        const { id, cellId } = request.params;
        await store.assertOperatorOwns(operatorId, id);
        await store.setCellService(id, cellId, request.body.inService);
        const command = await store.createCommand({
          lockerId: id,
          type: 'set-cell-service',
          body: { cellId, inService: request.body.inService, reason: request.body.reason },
          ttlMs: 24 * 3_600_000,
          actor: actorOf(request),
        });
        return reply.code(202).send(command);
      },
    );

    app.get(
      '/v1/operator/commands/:id',
      {
        schema: {
          tags,
          security,
          summary: 'A command and its state: pending, sent, or the outcome the locker reported',
          params: idParam,
          response: { 200: commandView.extend({ status: z.string() }), ...errorResponses },
        },
      },
      async (request) => {
        const command = await store.getCommand(request.params.id);
        if (command === undefined) throw new PostamatError('not-found', 'no such command', {});
        // Another operator's command is answered like a missing one.
        await store.assertOperatorOwns(operatorOf(request), command.lockerId);
        return command;
      },
    );

    app.get(
      '/v1/operator/lockers/:id/audit',
      {
        schema: {
          tags,
          security,
          params: idParam,
          response: {
            200: z.object({
              entries: z.array(
                z.object({
                  at: z.number(),
                  actor: z.string(),
                  action: z.string(),
                  detail: z.unknown(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        await store.assertOperatorOwns(operatorOf(request), request.params.id);
        return { entries: await store.auditLog(request.params.id) };
      },
    );
  };
