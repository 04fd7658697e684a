import { constants, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Command, commandSchema } from '../protocol/index.ts';
import { qrSvg } from './kiosk/qr-svg.ts';
import { eventsOf, LOCKER } from './testing/agent-fixture.ts';
import { makePaymentRig, type PaymentRig } from './testing/payment-rig.ts';

/** SBP payments relayed by the cloud's commands, and receipt contacts sealed on the locker. */
let r: PaymentRig;
afterEach(() => r.close());

let n = 0;
function command(type: Command['type'], body: Record<string, unknown>): Command {
  const now = Date.now();
  return commandSchema.parse({
    id: `cmd-${++n}`,
    lockerId: LOCKER,
    issuedAt: now,
    expiresAt: now + 60_000,
    type,
    body,
  });
}
const openingsOf = (channel: number) => r.sim.openings().filter((o) => o.channel === channel);

describe('SBP QR payments', () => {
  it('shows the QR, refuses a mismatched confirmation, opens on the right one — once', async () => {
    r = await makePaymentRig();
    await r.delivered('O1', '123456', 99_900);
    const started = await r.agent.payCod('123456', 'sbp');
    expect(started).toMatchObject({
      ok: true,
      state: 'waiting',
      method: 'sbp',
      amountKopecks: 99_900,
    });
    if (!started.ok) return;
    const id = started.paymentId;
    expect(eventsOf(r.store, 'payment.started')).toEqual([
      expect.objectContaining({
        paymentId: id,
        method: 'sbp',
        purpose: 'cod',
        amountKopecks: 99_900,
      }),
    ]);
    // The person steps back and forth: the same payment, not a second one.
    expect(await r.agent.payCod('123456', 'sbp')).toMatchObject({ paymentId: id });
    const link = 'https://qr.nspk.ru/AD10006M8KH3BAT98T6ANN3BF2EK2DH9?type=02&sum=99900';
    const qr = await r.agent.commands.handle(
      command('payment-qr', { paymentId: id, qrPayload: link, payableUntil: Date.now() + 120_000 }),
      Date.now(),
    );
    expect(qr).toMatchObject({ outcome: 'applied' });
    expect(r.agent.payment(id)).toMatchObject({ ok: true, state: 'intent', qrPayload: link });
    expect(await qrSvg(link)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const wrong = await r.agent.commands.handle(
      command('payment-confirmed', { paymentId: id, amountKopecks: 100, providerRef: 'op-1' }),
      Date.now(),
    );
    expect(wrong).toMatchObject({ outcome: 'rejected', code: 'conflict' });
    const stranger = await r.agent.commands.handle(
      command('payment-confirmed', {
        paymentId: 'pay-forged',
        amountKopecks: 99_900,
        providerRef: 'x',
      }),
      Date.now(),
    );
    expect(stranger).toMatchObject({ outcome: 'rejected', code: 'not-found' });
    expect(openingsOf(1)).toHaveLength(1);

    const ok = await r.agent.commands.handle(
      command('payment-confirmed', { paymentId: id, amountKopecks: 99_900, providerRef: 'op-1' }),
      Date.now(),
    );
    expect(ok).toMatchObject({ outcome: 'applied' });
    await r.waitFor((e) => e.type === 'door' && e.cellId === 'C1' && e.door === 'open');
    const again = await r.agent.commands.handle(
      command('payment-confirmed', { paymentId: id, amountKopecks: 99_900, providerRef: 'op-1' }),
      Date.now(),
    );
    expect(again).toMatchObject({ outcome: 'rejected', code: 'duplicate' });
    r.sim.closeDoor(1);
    await r.waitFor((e) => e.type === 'step' && e.stepId === 'O1/2');
    expect(openingsOf(1)).toHaveLength(2);
    expect(eventsOf(r.store, 'payment.approved')).toEqual([
      expect.objectContaining({ paymentId: id, method: 'sbp', providerRef: 'op-1' }),
    ]);
  });

  it('a failed or expired QR keeps the door shut; a confirmation after expiry is refunded', async () => {
    r = await makePaymentRig();
    await r.delivered('O1', '123456', 5_000);
    const a = await r.agent.payCod('123456', 'sbp');
    if (!a.ok) throw new Error(a.code);
    await r.agent.commands.handle(
      command('payment-failed', { paymentId: a.paymentId, reason: 'provider-error' }),
      Date.now(),
    );
    const b = await r.agent.payCod('123456', 'sbp');
    if (!b.ok) throw new Error(b.code);
    expect(b.paymentId).not.toBe(a.paymentId);
    await r.agent.commands.handle(
      command('payment-qr', {
        paymentId: b.paymentId,
        qrPayload: 'https://qr.nspk.ru/x',
        payableUntil: Date.now() - 1,
      }),
      Date.now(),
    );
    r.agent.tick();
    expect(r.agent.payment(b.paymentId)).toMatchObject({ state: 'failed', failure: 'expired' });
    const late = await r.agent.commands.handle(
      command('payment-confirmed', {
        paymentId: b.paymentId,
        amountKopecks: 5_000,
        providerRef: 'op-9',
      }),
      Date.now(),
    );
    expect(late).toMatchObject({ outcome: 'applied', detail: { refundRequested: true } });
    expect(openingsOf(1)).toHaveLength(1);
    expect(eventsOf(r.store, 'payment.declined').map((e) => e.reason)).toEqual([
      'provider-error',
      'expired',
    ]);
    expect(eventsOf(r.store, 'payment.refund-requested')).toEqual([
      expect.objectContaining({
        paymentId: b.paymentId,
        amountKopecks: 5_000,
        reason: 'confirmed-after-expiry',
      }),
    ]);
  });
});

describe('SBP refund', () => {
  it('paid by SBP but the door never opens: the cloud is asked to refund, once', async () => {
    r = await makePaymentRig();
    await r.delivered('O1', '123456', 12_000);
    r.sim.applyFault({ fault: 'stuck-lock', channel: 1, on: true });
    const a = await r.agent.payCod('123456', 'sbp');
    if (!a.ok) throw new Error(a.code);
    await r.agent.commands.handle(
      command('payment-confirmed', {
        paymentId: a.paymentId,
        amountKopecks: 12_000,
        providerRef: 'op-7',
      }),
      Date.now(),
    );
    await r.waitFor((e) => e.type === 'payment' && e.reason === 'refund');
    expect(r.agent.payment(a.paymentId)).toMatchObject({ state: 'refund-requested' });
    expect(eventsOf(r.store, 'payment.refund-requested')).toEqual([
      expect.objectContaining({
        paymentId: a.paymentId,
        amountKopecks: 12_000,
        reason: 'door-did-not-open',
      }),
    ]);
    expect(openingsOf(1)).toHaveLength(1);
  });
});

describe('receipt contact', () => {
  it('is sealed to the cloud key on the locker; only ciphertext is stored and sent', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    r = await makePaymentRig({
      receiptKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    await r.delivered('O1', '123456', 20_000);
    const paid = await r.agent.payCod('123456', 'pos');
    if (!paid.ok) throw new Error(paid.code);
    expect(
      r.agent.offerReceipt({
        paymentId: paid.paymentId,
        channel: 'email',
        contact: 'not-an-address',
      }),
    ).toMatchObject({ ok: false, code: 'bad-input' });
    expect(
      r.agent.offerReceipt({
        paymentId: paid.paymentId,
        channel: 'sms',
        contact: '+7 (912) 345-67-89',
      }),
    ).toMatchObject({ ok: true, channel: 'sms' });
    const [sent] = eventsOf(r.store, 'receipt.contact');
    expect(sent).toMatchObject({ paymentId: paid.paymentId, channel: 'sms' });
    const opened = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(String(sent?.sealedContact), 'base64'),
    );
    expect(opened.toString()).toBe('+79123456789');
    r.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(r.store.db.name);
    expect(file.includes('79123456789')).toBe(false);
    expect(file.includes('345-67-89')).toBe(false);
  });
});
