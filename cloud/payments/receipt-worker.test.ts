import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import { personalDataVault } from '../notifications/personal-data-vault.ts';
import { type CloudStore, openStore } from '../store/store.ts';
import { FakeClock, seedNetwork } from '../store/test-stores.ts';
import { paymentWorker } from './payment-worker.ts';
import { fiscalHttpConfigSchema, fiscalHttpProvider } from './providers/fiscal-http-provider.ts';
import { receiptKey, sealReceiptContact } from './receipt-key.ts';

interface Posted {
  readonly path: string;
  readonly body: { external_id: string; receipt: Record<string, unknown> };
}

/** A small ATOL-like service: the first registration of each document fails with 503. */
async function fiscalService() {
  const posted: Posted[] = [];
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.token !== 'atol-token') return reply(401, { error: { text: 'token' } });
      if (req.method === 'GET')
        return reply(200, { uuid: req.url?.split('/').pop(), status: 'done' });
      const body = JSON.parse(text) as Posted['body'];
      posted.push({ path: req.url ?? '', body });
      if (!seen.has(body.external_id)) {
        seen.add(body.external_id);
        return reply(503, { error: { text: 'busy' } });
      }
      // Sales are fiscalized later (asked again at /report), refunds at once.
      const sale = req.url?.endsWith('/sell') === true;
      reply(200, { uuid: `u-${body.external_id}`, status: sale ? 'wait' : 'done' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    posted,
    url: `http://127.0.0.1:${port}/possystem/v4`,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('receipts: one per payment and per refund, retried until the service accepts', () => {
  let t: { store: CloudStore };
  let clock: FakeClock;
  let dir: string;
  let service: Awaited<ReturnType<typeof fiscalService>>;
  beforeEach(async () => {
    clock = new FakeClock();
    dir = mkdtempSync(join(tmpdir(), 'postamat-receipts-'));
    t = { store: await openStore({ engine: 'sqlite', file: join(dir, 'cloud.sqlite') }, clock) };
    service = await fiscalService();
  });
  afterEach(async () => {
    await service.close();
    await t.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends sale and refund receipts with the person’s e-mail, masked in views, sealed at rest', async () => {
    const { tenant, operator } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, {
      kind: 'delivery',
      lockerId: 'L1',
      size: 'M',
      barcode: 'B1',
      amountDueKopecks: 150_00,
    });
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pay = { orderId, method: 'pos', amountKopecks: 150_00 };
    const bodies: [string, Record<string, unknown>][] = [
      [T.paymentStarted, { ...pay, paymentId: 'p1', purpose: 'cod' }],
      [
        T.receiptContact,
        {
          paymentId: 'p1',
          channel: 'email',
          sealedContact: sealReceiptContact(publicPem, 'ivan@example.ru'),
        },
      ],
      [T.paymentApproved, { ...pay, paymentId: 'p1', providerRef: 'RRN' }],
      [
        T.paymentRefunded,
        {
          paymentId: 'p1',
          orderId,
          amountKopecks: 150_00,
          providerRef: 'RF',
          reason: 'door did not open',
        },
      ],
      // A second payment without a contact: its receipt waits for one, then goes without.
      [T.paymentStarted, { ...pay, paymentId: 'p2', purpose: 'cod' }],
      [T.paymentApproved, { ...pay, paymentId: 'p2', providerRef: 'RRN2' }],
    ];
    const events: LockerEvent[] = bodies.map(([type, body], i) => ({
      lockerId: 'L1',
      seq: i + 1,
      at: 1,
      type,
      body,
    }));
    await t.store.ingest('L1', events, clock.now());
    await t.store.ingest('L1', events, clock.now()); // redelivered: nothing new

    const fiscal = fiscalHttpProvider(
      fiscalHttpConfigSchema.parse({
        url: service.url,
        groupCode: 'group1',
        token: 'atol-token',
        companyInn: '7701234567',
        companyEmail: 'shop@example.ru',
        paymentAddress: 'postamat.example.ru',
      }),
    );
    const worker = paymentWorker({
      store: t.store,
      clock,
      logger: pino({ level: 'silent' }),
      sbp: undefined,
      fiscal,
      receiptKey: receiptKey(pem),
      vault: personalDataVault('k1', randomBytes(32).toString('base64')),
      settings: { contactWaitMs: 60_000, commandResendMs: 30_000, callbackGraceMs: 60_000 },
    });
    const receipts = async () =>
      Object.fromEntries(
        (await t.store.listReceipts(operator.id, 100)).map((r) => [`${r.paymentId}/${r.kind}`, r]),
      );

    await worker.pass();
    let now = await receipts();
    expect(Object.keys(now).sort()).toEqual(['p1/refund', 'p1/sale', 'p2/sale']);
    expect(now['p1/sale']).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503' });
    expect(now['p1/sale']?.contact).toEqual({ channel: 'email', masked: 'i***@example.ru' });
    expect(now['p2/sale']).toMatchObject({ status: 'pending', attempts: 0 });

    clock.advance(10_000);
    await worker.pass();
    now = await receipts();
    expect(now['p1/sale']).toMatchObject({
      status: 'sent',
      externalId: `u-${now['p1/sale']?.receiptId}`,
    });
    expect(now['p1/refund']?.status).toBe('accepted');

    // p2 waited a minute for a contact; then the 503, the registration, and the report.
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await worker.pass();
    }
    now = await receipts();
    expect(Object.values(now).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(worker.counters).toMatchObject({
      receiptsAccepted: 3,
      receiptRetries: 3,
      receiptsFailed: 0,
    });

    // Exactly one document per receipt reached the service (twice each: the 503, then the retry).
    const ids = service.posted.map((p) => p.body.external_id);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toHaveLength(6);
    const sale = service.posted.find((p) => p.path === '/possystem/v4/group1/sell')?.body.receipt;
    expect(sale).toMatchObject({
      client: { email: 'ivan@example.ru' },
      company: { inn: '7701234567', sno: 'usn_income' },
      items: [{ sum: 150, price: 150, quantity: 1, vat: { type: 'none' } }],
      payments: [{ type: 1, sum: 150 }],
      total: 150,
    });
    expect(service.posted.filter((p) => p.path.endsWith('/sell_refund'))).toHaveLength(2);
    const p2 = service.posted.find((p) => p.body.external_id === now['p2/sale']?.receiptId);
    expect(p2?.body.receipt.client).toEqual({});
    // At rest the address is sealed with the personal-data key; nowhere in the file in clear.
    const file = new SqliteDatabase(join(dir, 'cloud.sqlite'), { readonly: true });
    const row = file.prepare('select sealed, masked, rsa_sealed from receipt_contacts').get() as {
      sealed: string;
      masked: string;
      rsa_sealed: string | null;
    };
    file.close();
    expect(row).toMatchObject({ masked: 'i***@example.ru', rsa_sealed: null });
    expect(row.sealed).toMatch(/^v1\.k1\./);
    expect(row.sealed).not.toContain('ivan');
    const order = await t.store.getOrder(orderId);
    expect(order?.payment).toMatchObject({ paid: true, amountDueKopecks: 150_00 });
  });
});
