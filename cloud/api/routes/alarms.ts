import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlarmView } from '../../store/alarm-store.ts';
import { operatorOf } from '../auth.ts';
import { actorOf } from '../console-auth.ts';
import type { ApiDeps } from '../deps.ts';
import { errorResponses, idParam, security } from '../schemas.ts';

const mark = z.object({ at: z.number(), by: z.string(), note: z.string().nullable() }).nullable();

export const alarmView = z.object({
  id: z.string(),
  lockerId: z.string(),
  kind: z.string(),
  cellId: z.string().nullable(),
  raisedAt: z.number(),
  clearedAt: z.number().nullable().describe('the locker reported the condition gone'),
  acked: mark.describe('who took it on, when, with what note'),
  resolved: mark.describe('who closed it, when, with what was done'),
});

const tags = ['operator'];

/** Acknowledging and resolving alarms; listing is GET /v1/operator/alarms (operator.ts). */
export const alarmRoutes =
  ({ store, live }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const publish = (type: 'alarm.acked' | 'alarm.resolved', alarm: AlarmView, at: number) =>
      live?.publish({ type, at, lockerId: alarm.lockerId, data: { ...alarm } });

    app.post(
      '/v1/operator/alarms/:id/ack',
      {
        schema: {
          tags,
          security,
          summary: 'Acknowledge an alarm: someone is on it (ids with “/” are URL-encoded)',
          params: idParam,
          body: z.strictObject({ note: z.string().max(1000).optional() }).default({}),
          response: { 200: alarmView, ...errorResponses },
        },
      },
      async (request) => {
        const alarm = await store.ackAlarm(
          operatorOf(request),
          request.params.id,
          actorOf(request),
          request.body.note ?? null,
        );
        await publish('alarm.acked', alarm, alarm.acked?.at ?? 0);
        return alarm;
      },
    );

    app.post(
      '/v1/operator/alarms/:id/resolve',
      {
        schema: {
          tags,
          security,
          summary: 'Resolve an alarm with a note of what was done',
          params: idParam,
          body: z.strictObject({ note: z.string().min(1).max(1000) }),
          response: { 200: alarmView, ...errorResponses },
        },
      },
      async (request) => {
        const alarm = await store.resolveAlarm(
          operatorOf(request),
          request.params.id,
          actorOf(request),
          request.body.note,
        );
        await publish('alarm.resolved', alarm, alarm.resolved?.at ?? 0);
        return alarm;
      },
    );
  };
