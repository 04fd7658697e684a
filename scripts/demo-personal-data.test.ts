import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from './demo/api-client.ts';
import { type DemoRun, filesUnder, leaked, phoneForms, startDemo } from './demo/demo-run.ts';
import { freePort, freeRun } from './demo/free-ports.ts';
import { DEMO_LOCKERS } from './demo/layouts.ts';
import { eventually } from './demo/orders.ts';
import { DEMO_PEOPLE } from './demo/personal-data.ts';
import type { DemoState } from './demo/seed.ts';

// The whole demo as `npm start` runs it (a cloud, three agents, their kiosks), more flows driven
// through the API and a kiosk, then every log line grepped for every code, phone, key and
// password the run used, and every database file for every phone and code.

const dataDir = mkdtempSync(join(tmpdir(), 'postamat-demo-pd-'));
const LOCKER = DEMO_LOCKERS[0]!.id;
/** Two more people, booked by this test: one English-speaking, one Russian. */
const NEIGHBOUR = { phone: '+79990007788', language: 'en' } as const;
const TENANT = { phone: '+79990009900', language: 'ru' } as const;
/** A walk-in renter who asks for the receipt by SMS (sealed to the cloud's receipt key). */
const WALK_IN = { phone: '+79990004455' } as const;
const PHONES = [...Object.values(DEMO_PEOPLE).map((p) => p.phone), NEIGHBOUR.phone, TENANT.phone];
const masked = (phone: string) => `+7 *** ***-${phone.slice(-4, -2)}-${phone.slice(-2)}`;

let demo: DemoRun | undefined;
afterAll(async () => {
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every string in a config that is a secret: passwords, keys, secrets. */
function secretsIn(value: unknown, name = ''): string[] {
  if (typeof value === 'string') {
    return /secret|password|key/i.test(name) && value.length >= 12 ? [value] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => secretsIn(v, k));
}

describe('a full demo run', () => {
  it('logs no phone, code, key or password; no database holds a phone or a code in clear', async () => {
    const [apiPort, mqttPort, kioskPort] = [await freePort(), await freePort(), await freeRun(3)];
    const run = startDemo({
      POSTAMAT_DATA_DIR: dataDir,
      POSTAMAT_DEMO_HOST: '127.0.0.1',
      POSTAMAT_HTTP_PORT: String(apiPort),
      POSTAMAT_MQTT_PORT: String(mqttPort),
      POSTAMAT_KIOSK_PORT: String(kioskPort),
    });
    demo = run;
    await run.waitForLine((l) => l.startsWith('Ctrl-C stops everything'), 240_000);
    const state = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as DemoState;
    const api = new ApiClient(`http://127.0.0.1:${apiPort}`);
    const network = state.tenants[5]!;
    const kiosk = async (path: string, body: object) => {
      const res = await fetch(`http://127.0.0.1:${kioskPort}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { ok: boolean; code: string; [k: string]: unknown };
    };
    const codes: string[] = state.orders.flatMap((o) => (o.code === undefined ? [] : [o.code]));
    const syncs = () =>
      readFileSync(join(dataDir, 'logs', `${LOCKER}.log`), 'utf8').split('"sync.applied"').length;

    // A neighbour's parcel and a rental booked with phones; the locker learns them by sync.
    const before = syncs();
    const book = async (kind: string, barcode: string, recipient: object) => {
      const body = { kind, lockerId: LOCKER, size: 'S', barcode, recipient };
      const created = await api.call<{
        order: { id: string };
        codes: { purpose: string; code: string }[];
      }>('POST', '/v1/orders', network.apiKey, body);
      codes.push(...created.codes.map((c) => c.code));
      const by = Object.fromEntries(created.codes.map((c) => [c.purpose, c.code]));
      return { id: created.order.id, codes: by };
    };
    const gift = await book('resident-to-resident', 'T-GIFT-1', NEIGHBOUR);
    const rented = await book('rental', 'T-RENT-1', TENANT);
    // At the kiosk: the deposit codes once the locker has the bookings. A code typed too early
    // counts as a wrong one (five lock the keypad), so a refused code waits for the next sync.
    let seen = before;
    let early = 0;
    const typeWhenSynced = (code: string | undefined, what: string) =>
      eventually(`${what} to open`, 60_000, async () => {
        const now = syncs();
        if (now === seen) return undefined;
        if ((await kiosk('/api/code', { code })).ok) return true;
        seen = now;
        early += 1;
        if (early > 2) throw new Error(`the locker never learnt ${what}`);
        return undefined;
      });
    await typeWhenSynced(gift.codes.deposit, 'the gift');
    await typeWhenSynced(rented.codes.deposit, 'the rental');
    const statusOf = async (id: string) =>
      (await api.call<{ status: string }>('GET', `/v1/orders/${id}`, network.apiKey)).status;
    await eventually('the gift to be ready', 30_000, async () =>
      (await statusOf(gift.id)) === 'ready-for-pickup' ? true : undefined,
    );
    expect(await kiosk('/api/code', { code: gift.codes.pickup })).toMatchObject({ ok: true });
    // A walk-in rental paid by card at the locker's (simulated) terminal: the locker draws the
    // code itself and shows it once the payment is approved; the renter asks for a receipt by SMS.
    const walkIn = await kiosk('/api/pay/rental', { size: 'S', hours: 1, method: 'pos' });
    expect(walkIn).toMatchObject({ ok: true, method: 'pos', state: 'approved' });
    expect(walkIn.code).toMatch(/^[0-9]{6}$/);
    codes.push(String(walkIn.code));
    expect(
      await kiosk('/api/receipt', {
        paymentId: walkIn.paymentId,
        channel: 'sms',
        contact: WALK_IN.phone,
      }),
    ).toMatchObject({ ok: true });
    await eventually('the walk-in rental to finish', 30_000, async () => {
      const r = await kiosk('/api/rental/open', { code: walkIn.code, finish: true });
      return r.ok ? true : undefined;
    });
    await eventually('the gift to be collected', 30_000, async () =>
      (await statusOf(gift.id)) === 'collected' ? true : undefined,
    );
    // Wrong codes last, so the keypad's lockout cannot stand in the way of the flows above.
    const wrong = ['314159', '271828'];
    for (const w of wrong)
      expect(await kiosk('/api/code', { code: w })).toMatchObject({ ok: false });
    codes.push(...wrong);
    for (const c of state.couriers) {
      const tenant = state.tenants.find((t) => t.name === c.tenant)!;
      const daily = await api.call<{ code: string }>(
        'GET',
        `/v1/couriers/${c.courierId}/daily-code`,
        tenant.apiKey,
      );
      codes.push(daily.code);
    }

    // The console shows each person's messages, masked; each person got each message once.
    for (const phone of PHONES) {
      await run.waitForLine((l) => l.startsWith('  ✉') && l.includes(masked(phone)), 60_000);
    }
    const feed = run.stdout.filter((l) => l.startsWith('  ✉'));
    expect(feed.find((l) => l.includes(masked(NEIGHBOUR.phone)))).toMatch(/parcel-ready +A parcel/);
    expect(feed.find((l) => l.includes(masked(TENANT.phone)))).toMatch(/code-issued +Аренда/);
    const { messages } = await api.call<{ messages: { orderId: string; event: string }[] }>(
      'GET',
      '/v1/operator/notifications?limit=500',
      state.operatorKey,
    );
    const keys = messages.map((m) => `${m.orderId} ${m.event}`);
    expect(new Set(keys).size).toBe(keys.length);

    // The cloud booked the card payment (S for an hour: 99 ₽ at the demo tariff) and opened the
    // sealed receipt contact with the demo's receipt key: its views show it masked only.
    const receipt = await eventually('the walk-in receipt with its contact', 60_000, async () => {
      const { receipts } = await api.call<{
        receipts: { paymentId: string; amountKopecks: number; contact: unknown }[];
      }>('GET', '/v1/operator/receipts', state.operatorKey);
      const r = receipts.find((x) => x.paymentId === walkIn.paymentId);
      return r?.contact ? r : undefined;
    });
    expect(receipt).toMatchObject({
      amountKopecks: 9_900,
      contact: { channel: 'sms', masked: masked(WALK_IN.phone) },
    });

    expect(await run.stop()).toBe(0);
    demo = undefined;

    const pdKey = readFileSync(join(dataDir, 'pd.key'), 'utf8').trim();
    const lockerSecrets = state.lockers.flatMap((l) =>
      secretsIn(JSON.parse(readFileSync(l.configFile, 'utf8'))),
    );
    const apiKeys = [state.adminKey, state.operatorKey, ...state.tenants.map((t) => t.apiKey)];
    const keySecrets = apiKeys.flatMap((k) => [k, k.split('.')[1] ?? k]);
    const phones = [...PHONES, WALK_IN.phone].flatMap(phoneForms);
    const receiptKey = readFileSync(join(dataDir, 'receipt.key'), 'utf8');
    expect(lockerSecrets.length).toBeGreaterThanOrEqual(6);
    expect(codes.length).toBeGreaterThan(12);

    // Logs: every process's output file and the demo's own stderr hold none of them.
    const logs = filesUnder(join(dataDir, 'logs'));
    expect(logs.map((l) => l.file).length).toBe(4);
    const logText = [...logs.map((l) => l.text), run.stderr.join('')].join('\n');
    expect(logText).toContain('notification.attempt');
    expect(logText).toContain('kiosk.listening');
    const everything = [...codes, ...phones, ...keySecrets, ...lockerSecrets, pdKey, receiptKey];
    expect(leaked(logText, everything)).toEqual([]);
    // The terminal is the demo's screen: it shows keys and codes to type, never a phone or the
    // PD key or a locker's secret; the message feed masks codes too.
    const screen = run.stdout.join('\n');
    expect(leaked(screen, [...phones, ...lockerSecrets, pdKey, receiptKey])).toEqual([]);
    expect(leaked(feed.join('\n'), codes)).toEqual([]);

    // Databases: the cloud's SQLite and every locker's, raw bytes with their WAL.
    const databases = [
      ...filesUnder(join(dataDir, 'cloud')),
      ...filesUnder(join(dataDir, 'lockers')).filter((f) => !f.file.endsWith('agent.json')),
    ];
    expect(
      databases.filter((d) => d.file.endsWith('.sqlite') || d.file.endsWith('.db')).length,
    ).toBe(4);
    for (const d of databases)
      expect([d.file, leaked(d.text, [...codes, ...phones])]).toEqual([d.file, []]);
  }, 420_000);
});
