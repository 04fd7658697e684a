import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { cookieHeaders, seedConsole } from '../api/console-test-support.ts';
import { type TestApi, testApi } from '../api/test-api.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import { LockerPresence } from '../mqtt/locker-presence.ts';
import { recordPresence } from '../service/presence-recorder.ts';
import { liveIngest } from './live-ingest.ts';
import { feedPresence } from './presence-feed.ts';
import { SseClient } from './sse-client.ts';

describe('GET /v1/operator/stream: live events over real HTTP, filtered per caller', () => {
  let api: TestApi;
  let seed: Awaited<ReturnType<typeof seedConsole>>;
  let base: string;
  const streams: SseClient[] = [];
  beforeEach(async () => {
    api = await testApi();
    seed = await seedConsole(api);
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await api.dispose();
  });

  const open = async (who: string, extra: Record<string, string> = {}) => {
    const { host: _host, origin: _origin, ...headers } = cookieHeaders(seed.cookies[who] as string);
    const stream = await SseClient.open(`${base}/v1/operator/stream`, { ...headers, ...extra });
    streams.push(stream);
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toContain('text/event-stream');
    return stream;
  };
  function ingest(lockerId: string, from: number, list: [string, Record<string, unknown>][]) {
    const port = liveIngest(api.t.store, api.t.store, api.live);
    return port.ingest(
      lockerId,
      list.map(
        ([type, body], i): LockerEvent => ({
          lockerId,
          seq: from + i,
          at: api.clock.now(),
          type,
          body,
        }),
      ),
      api.clock.now(),
    );
  }
  const createOrder = async (key: string) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${key}` },
      payload: { kind: 'delivery', lockerId: 'L1', size: 'M', barcode: `B-${Math.random()}` },
    });
    return res.json().order as { id: string; steps: { id: string }[] };
  };

  it('an operator’s user sees presence, alarms, doors, command results and order changes as they are ingested', async () => {
    const viewer = await open('viewer');
    const order = await createOrder(seed.keys.tenantA);
    const presence = new LockerPresence();
    const stop = feedPresence(presence, api.live);
    const recorder = recordPresence(presence, api.t.store, pino({ level: 'silent' }), () => {});
    presence.record({ lockerId: 'L1', online: true, at: 1, outboxDepth: 4 }, api.clock.now());
    expect((await viewer.next()).event).toBe('locker.online');
    await ingest('L1', 1, [
      [T.alarmRaised, { alarmId: 1, kind: 'door-forced', cellId: 'M1' }],
      ['door.opened', { cellId: 'M1', opId: 'o1', stepId: order.steps[0]?.id }],
      ['parcel.deposited', { orderId: order.id, cellId: 'M1', parcelId: 'p' }],
      [T.stepDone, { orderId: order.id, stepId: order.steps[0]?.id, kind: 'deposit' }],
      [
        T.commandResult,
        { commandId: 'cmd_x', type: 'remote-open', outcome: 'failed', code: 'jammed' },
      ],
    ]);
    expect(await viewer.next()).toMatchObject({
      event: 'alarm.raised',
      data: { alarmId: 'L1/1', kind: 'door-forced', lockerId: 'L1' },
    });
    expect(await viewer.next()).toMatchObject({
      event: 'door',
      data: { eventType: 'door.opened', cellId: 'M1' },
    });
    expect(await viewer.next()).toMatchObject({
      event: 'command.result',
      data: { commandId: 'cmd_x', outcome: 'failed', code: 'jammed' },
    });
    expect(await viewer.next()).toMatchObject({
      event: 'order.status',
      data: { orderId: order.id, status: 'ready-for-pickup' },
    });
    presence.record({ lockerId: 'L1', online: false, at: 2 }, api.clock.now());
    expect(await viewer.next()).toMatchObject({
      event: 'locker.offline',
      data: { lockerId: 'L1', online: false },
    });
    stop();
    await recorder.stop();
    // The detail page shows the status the locker sent.
    const detail = await api.app.inject({
      url: '/v1/operator/lockers/L1',
      headers: { cookie: seed.cookies.viewer as string },
    });
    expect(detail.json().sync.lastStatus).toMatchObject({ online: false });
    const ack = await api.app.inject({
      method: 'POST',
      url: `/v1/operator/alarms/${encodeURIComponent('L1/1')}/ack`,
      headers: cookieHeaders(seed.cookies.dispatcher as string),
      payload: { note: 'on it' },
    });
    expect(ack.statusCode).toBe(200);
    expect(await viewer.next()).toMatchObject({
      event: 'alarm.acked',
      data: { acked: { by: 'dispatcher@op.example' } },
    });
  });

  it('a tenant’s user gets only its own orders’ events; Last-Event-ID resumes what a stream missed', async () => {
    const a = await open('a-viewer');
    const b = await open('b-viewer');
    const orderA = await createOrder(seed.keys.tenantA);
    const orderB = await createOrder(seed.keys.tenantB);
    await ingest('L1', 1, [
      [T.alarmRaised, { kind: 'power', cellId: null }],
      ['door.opened', { cellId: 'M1', opId: 'o1' }],
      [T.stepDone, { orderId: orderA.id, kind: 'deposit' }],
      [T.stepDone, { orderId: orderB.id, kind: 'deposit' }],
    ]);
    const first = await a.next();
    expect(first).toMatchObject({ event: 'order.status', data: { orderId: orderA.id } });
    // B's first event is its own order's: nothing of A's, no locker alarms or doors before it.
    expect(await b.next()).toMatchObject({ event: 'order.status', data: { orderId: orderB.id } });
    // A's page went away after its first event and missed a change; reconnecting with
    // Last-Event-ID it gets that change (and still none of B's).
    a.close();
    const extend = await api.app.inject({
      method: 'POST',
      url: `/v1/orders/${orderA.id}/extend`,
      headers: { authorization: `Bearer ${seed.keys.tenantA}` },
      payload: { hours: 5 },
    });
    expect(extend.statusCode).toBe(200);
    const again = await open('a-viewer', { 'last-event-id': first.id as string });
    expect(await again.next()).toMatchObject({
      event: 'order.status',
      data: { orderId: orderA.id, source: 'api' },
    });
    expect(b.pending()).toEqual([]);
  });

  it('answers 401 without a session and ends streams when the server closes', async () => {
    const res = await api.app.inject({ url: '/v1/operator/stream' });
    expect(res.statusCode).toBe(401);
    const viewer = await open('viewer');
    await api.app.close();
    await expect(viewer.next(() => true, 2000)).rejects.toThrow('stream ended');
  });
});
