import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COURIER,
  type KioskHarness,
  startKioskHarness,
  TECHNICIAN_PIN,
} from './testing/kiosk-harness.ts';
import { openSse, type SseClient } from './testing/sse-client.ts';

/** The kiosk server over real HTTP on port 0, in front of the real Agent and simulated doors. */
let h: KioskHarness;
let sse: SseClient | undefined;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, h.kiosk.url), {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const post = (path: string, body: unknown = {}) => call('POST', path, body);

beforeEach(async () => {
  h = await startKioskHarness();
});
afterEach(async () => {
  sse?.close();
  sse = undefined;
  await h.close();
});

describe('kiosk server: page and assets', () => {
  it('serves the page, its modules, the scanner classifier and both catalogues', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/assets/app.js', 'text/javascript'],
      ['/assets/screens/door.js', 'text/javascript'],
      ['/assets/kiosk.css', 'text/css'],
      ['/assets/keystroke-classifier.js', 'text/javascript'],
      ['/i18n/ru.json', 'application/json'],
      ['/i18n/en.json', 'application/json'],
    ] as const) {
      const res = await fetch(new URL(path, h.kiosk.url));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain(type);
    }
  });

  it('listens on 127.0.0.1 only', () => {
    expect(new URL(h.kiosk.url).hostname).toBe('127.0.0.1');
  });

  it.each([
    '/assets/../kiosk-server.ts',
    '/assets/%2e%2e/kiosk-server.ts',
    '/etc/passwd',
    '/api/nope',
  ])('%s is a 404, never a file outside the assets', async (path) => {
    const res = await fetch(new URL(path, h.kiosk.url));
    expect(res.status).toBe(404);
  });
});

describe('kiosk server: bad requests name the field', () => {
  it.each([
    ['/api/code', '{not json', 'body'],
    ['/api/code', { code: 123456 }, 'code'],
    ['/api/pay/rental', { size: 'M', hours: '3', method: 'pos' }, 'hours'],
    ['/api/courier/login', { badge: 7, pin: '1234' }, 'badge'],
  ])('%s with %j → 400 naming %s', async (path, body, field) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, code: 'bad-payload' });
    expect(String(res.body.message)).toContain(field);
  });

  it('refused requests are counted for the technician', async () => {
    await post('/api/code', { code: 1 });
    await post('/api/code', '[]');
    await post('/api/technician/login', { pin: TECHNICIAN_PIN });
    const status = await call('GET', '/api/technician/status');
    expect(status.body.diagnostics).toMatchObject({ kioskBadRequests: { 'bad-payload': 2 } });
  });

  it('a rental is only started by paying: the old unpaid route is gone', async () => {
    const res = await post('/api/rental', { size: 'M', hours: 3, paymentMethod: 'card' });
    expect(res.status).toBe(404);
    expect(h.agent.cells().filter((c) => c.state !== 'free')).toEqual([]);
  });

  it('GET on a POST route is a 405', async () => {
    expect((await call('GET', '/api/code')).status).toBe(405);
  });
});

describe('kiosk server: flows and live events', () => {
  it('a pickup code opens the cell; SSE follows the door open and closed', async () => {
    h.seedParcel({ orderId: 'o-1', barcodes: ['PX-1'], code: '123456' });
    sse = await openSse(h.kiosk.url);
    await sse.next('hello');
    // Deliver first, through the courier routes.
    expect((await post('/api/courier/login', COURIER)).body).toMatchObject({
      ok: true,
      role: 'courier',
    });
    const scan = await post('/api/courier/scan', { barcode: 'PX-1' });
    expect(scan.body).toMatchObject({ ok: true, cellId: '1' });
    await sse.next('door', (e) => e.cellId === '1' && e.door === 'open');
    h.closeDoor('1');
    await sse.next('door', (e) => e.cellId === '1' && e.door === 'closed');
    await post('/api/logout');

    const opened = await post('/api/code', { code: '123456' });
    expect(opened.body).toMatchObject({ ok: true, action: 'collect', cellIds: ['1'] });
    const seenBefore = sse.seen.length;
    await sse.next(
      'door',
      (e) => e.cellId === '1' && e.door === 'open' && sse!.seen.indexOf(e) >= seenBefore,
    );
    expect(h.agent.orderStatus('o-1')).toBe('ready-for-pickup');
    h.closeDoor('1');
    await sse.next(
      'step',
      (e) => e.orderId === 'o-1' && e.state === 'done' && sse!.seen.indexOf(e) >= seenBefore,
    );
  });

  it('a wrong code is refused with its error code', async () => {
    expect((await post('/api/code', { code: '000000' })).body).toMatchObject({
      ok: false,
      code: 'unknown-code',
    });
  });

  it('a serial scan reaches every page as a scan event', async () => {
    sse = await openSse(h.kiosk.url);
    h.kiosk.scan('PX-77');
    expect(await sse.next('scan')).toMatchObject({ text: 'PX-77' });
  });
});

describe('kiosk server: sessions never outlive the person', () => {
  it('courier routes need the courier session; logout ends it in the agent too', async () => {
    h.seedParcel({ orderId: 'o-2', barcodes: ['PX-2'], code: '222222' });
    expect((await post('/api/courier/scan', { barcode: 'PX-2' })).body).toMatchObject({
      ok: false,
      code: 'not-authorized',
    });
    await post('/api/courier/login', COURIER);
    expect((await call('GET', '/api/courier/collectable')).body).toMatchObject({ ok: true });
    await post('/api/logout');
    expect((await call('GET', '/api/courier/collectable')).body).toMatchObject({
      code: 'not-authorized',
    });
  });

  it('the technician menu needs a technician, not a courier', async () => {
    await post('/api/courier/login', COURIER);
    expect((await call('GET', '/api/technician/status')).body).toMatchObject({
      code: 'not-authorized',
    });
    expect((await post('/api/technician/login', { pin: '000000' })).body).toMatchObject({
      ok: false,
      code: 'not-authorized',
    });
    await post('/api/technician/login', { pin: TECHNICIAN_PIN });
    const status = await call('GET', '/api/technician/status');
    expect(status.body).toMatchObject({ ok: true, boards: [{ id: 'rs485:1', online: true }] });
    expect(status.body.cells).toHaveLength(12);
    expect(status.body.diagnostics).toHaveProperty('outboxDepth');
  });

  it('a technician opens a cell with a reason; the log shows it, not the PIN', async () => {
    await post('/api/technician/login', { pin: TECHNICIAN_PIN });
    expect((await post('/api/technician/open', { cellId: '3', reason: 'x' })).body).toMatchObject({
      ok: false,
    });
    expect(
      (await post('/api/technician/open', { cellId: '3', reason: 'lock check' })).body,
    ).toMatchObject({ ok: true, cellIds: ['3'] });
    const status = await call('GET', '/api/technician/status');
    const log = JSON.stringify(status.body.recent);
    expect(log).toContain('technician-open');
    expect(log).not.toContain(TECHNICIAN_PIN);
  });

  it('an idle session is ended on the server and every page is told', async () => {
    await h.close();
    h = await startKioskHarness({ idleMs: 300 });
    sse = await openSse(h.kiosk.url);
    await post('/api/technician/login', { pin: TECHNICIAN_PIN });
    expect(await sse.next('session-ended', undefined, 10_000)).toMatchObject({ reason: 'idle' });
    expect((await call('GET', '/api/technician/status')).body).toMatchObject({
      code: 'not-authorized',
    });
  });

  it('a new login at the screen ends the previous session', async () => {
    await post('/api/technician/login', { pin: TECHNICIAN_PIN });
    await post('/api/courier/login', COURIER);
    expect((await call('GET', '/api/technician/status')).body).toMatchObject({
      code: 'not-authorized',
    });
  });
});
