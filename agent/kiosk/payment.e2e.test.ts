import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Command, commandSchema } from '../../protocol/index.ts';
import { DEFAULT_SERIAL } from '../drivers/bus/rtu-timing.ts';
import { serialPortBinding } from '../drivers/bus/serial-port-binding.ts';
import { EcrTerminal } from '../drivers/payment-terminal/ecr-terminal.ts';
import { terminalOnPty } from '../drivers/payment-terminal/testing/terminal-on-pty.ts';
import { launchChromium, openKiosk, screenshot, tapCode } from './testing/kiosk-browser.ts';
import { COURIER, type KioskHarness, LOCKER, startKioskHarness } from './testing/kiosk-harness.ts';

/**
 * The pay screens in Chromium (COD pickup, rental by card or SBP): the real agent and kiosk, the simulator's doors, and the
 * simulated card terminal on a real pty behind the production ECR driver.
 */
describe('kiosk in Chromium: paying at the locker (COD pickup, rentals)', () => {
  let browser: Browser;
  let h: KioskHarness;
  let pos: Awaited<ReturnType<typeof terminalOnPty>>;
  let ecr: EcrTerminal;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  afterEach(async () => {
    await h.close();
    await ecr.close();
    await pos.close();
  });

  /** The simulated terminal behind the production ECR driver, and the kiosk with both channels. */
  async function lockerWithTerminal(online: boolean) {
    pos = await terminalOnPty();
    pos.terminal.offlineCapable = true;
    ecr = new EcrTerminal({
      binding: serialPortBinding(pos.agentPath, DEFAULT_SERIAL),
      saleTimeoutMs: 3_000,
    });
    h = await startKioskHarness({
      paymentChannels: { terminal: ecr, sbp: true },
      ...(online
        ? { network: { linkState: () => ({ ...LINK_UP, lastConnectedAt: Date.now() }) } }
        : {}),
    });
  }

  it('shows the amount; a declined card keeps the door shut and says why; a good card opens it', async () => {
    await lockerWithTerminal(false);
    h.seedParcel({
      orderId: 'o-1',
      barcodes: ['PX-0001'],
      code: '123456',
      amountDueKopecks: 149_900,
    });
    const login = h.agent.courierLogin({ badge: COURIER.badge, pin: COURIER.pin });
    if (!login.ok) throw new Error(login.code);
    expect(h.agent.scanParcel(login.session.id, 'PX-0001')).toMatchObject({
      ok: true,
      cellId: '1',
    });
    await h.doorSeen('1', 'open');
    h.closeDoor('1');
    await h.doorSeen('1', 'closed');

    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('collect').click();
    await tapCode(page, '123456');
    await page
      .getByTestId('amount')
      .filter({ hasText: /1\s?499/ })
      .waitFor({ timeout: 10_000 });
    // No network: SBP says it needs the network; the terminal approves offline.
    await page.getByTestId('pay-sbp').filter({ hasText: 'сеть' }).waitFor();
    await screenshot(page, 'pay-amount');

    pos.terminal.mode = 'decline';
    await page.getByTestId('pay-pos').click();
    await page
      .getByTestId('error')
      .filter({ hasText: 'Карта отклонена' })
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'pay-declined');
    expect(h.board.openings().filter((o) => o.channel === 1)).toHaveLength(1);

    pos.terminal.mode = 'approve';
    await page.getByTestId('pay-again').click();
    await page.getByTestId('pay-pos').click();
    await page.getByTestId('pay-paid').waitFor({ timeout: 10_000 });
    await screenshot(page, 'pay-paid');
    await page.getByTestId('to-door').click();
    await page.locator('[data-testid="cell-1"][data-door="open"]').waitFor({ timeout: 10_000 });
    h.closeDoor('1');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    expect(pos.terminal.charges().map((c) => c.amountKopecks)).toEqual([149_900]);
    expect(h.board.openings().filter((o) => o.channel === 1)).toHaveLength(2);
    expect(errors).toEqual([]);
  }, 60_000);

  it('a rental paid by card on the pay screen: a declined card keeps every cell shut, a good one opens one', async () => {
    await lockerWithTerminal(false);
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('rent').click();
    await page.getByTestId('rent-new').click();
    await page.getByTestId('size-M').click();
    await page.getByTestId('hours-3').click();
    // M: 149 ₽ + 2 × 40 ₽ at the synced tariff, shown before anyone pays.
    await page
      .getByTestId('rental-price')
      .filter({ hasText: /229\s₽/ })
      .waitFor({ timeout: 10_000 });

    pos.terminal.mode = 'decline';
    await page.getByTestId('pay-card').click();
    await page
      .getByTestId('error')
      .filter({ hasText: 'Карта отклонена' })
      .waitFor({ timeout: 10_000 });
    expect(h.board.openings()).toEqual([]);
    expect(h.agent.cells().filter((c) => c.state !== 'free')).toEqual([]);

    pos.terminal.mode = 'approve';
    await page.getByTestId('pay-again').click();
    await page.getByTestId('amount').filter({ hasText: /229/ }).waitFor();
    await page.getByTestId('pay-pos').click();
    await page.getByTestId('pay-paid').waitFor({ timeout: 10_000 });
    await page.getByTestId('to-door').click();
    await page.locator('[data-testid="cell-5"][data-door="open"]').waitFor({ timeout: 10_000 });
    const code = (await page.locator('.rental-note .code').textContent()) ?? '';
    expect(code).toMatch(/^[0-9]{6}$/);
    await page.getByTestId('rental-code').filter({ hasText: /229/ }).waitFor();
    await screenshot(page, 'pay-rental-card-paid');
    expect(pos.terminal.charges().map((c) => c.amountKopecks)).toEqual([22_900]);
    expect(h.board.openings()).toHaveLength(1);
    h.closeDoor('5');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('a rental paid by SBP: the QR with its countdown, and the cell opens on payment-confirmed', async () => {
    await lockerWithTerminal(true);
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('rent').click();
    await page.getByTestId('rent-new').click();
    await page.getByTestId('size-S').click();
    await page.getByTestId('hours-1').click();
    await page.getByTestId('rental-price').waitFor({ timeout: 10_000 });
    await page.getByTestId('pay-sbp').click();
    await page.getByTestId('pay-qr').waitFor({ timeout: 10_000 });
    // The cloud learns of the payment from the outbox, as it would over MQTT.
    const started = () =>
      h.agent.outbox.pending(0, 1000).filter((e) => e.type === 'payment.started');
    await expect.poll(() => started().length, { timeout: 10_000 }).toBe(1);
    const paymentId = String(started()[0]?.body.paymentId);
    const view = h.agent.payment(paymentId);
    if (!view.ok) throw new Error(view.code);
    expect(view).toMatchObject({ method: 'sbp', purpose: 'rental', state: 'intent' });

    // The cloud relays the bank's QR; the kiosk draws it with the time left to pay.
    const link = `https://qr.nspk.ru/AS100001?type=02&sum=${view.amountKopecks}`;
    expect(
      await h.agent.commands.handle(
        command('payment-qr', { paymentId, qrPayload: link, payableUntil: Date.now() + 120_000 }),
        Date.now(),
      ),
    ).toMatchObject({ outcome: 'applied' });
    await page.locator('[data-testid="qr"] svg').waitFor({ timeout: 10_000 });
    const first = await page.getByTestId('qr-countdown').textContent();
    expect(first).toMatch(/[12]:[0-5][0-9]/);
    await expect
      .poll(() => page.getByTestId('qr-countdown').textContent(), { timeout: 5_000 })
      .not.toBe(first);
    await screenshot(page, 'pay-rental-qr');
    expect(h.board.openings()).toEqual([]);

    expect(
      await h.agent.commands.handle(
        command('payment-confirmed', {
          paymentId,
          amountKopecks: view.amountKopecks,
          providerRef: 'sbp-op-1',
        }),
        Date.now(),
      ),
    ).toMatchObject({ outcome: 'applied' });
    await page.getByTestId('pay-paid').waitFor({ timeout: 10_000 });
    await page.getByTestId('to-door').click();
    await page.locator('[data-testid="cell-1"][data-door="open"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.rental-note .code').textContent()).toMatch(/^[0-9]{6}$/);
    expect(h.board.openings()).toHaveLength(1);
    expect(pos.terminal.charges()).toEqual([]);
    h.closeDoor('1');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);
});

const LINK_UP = {
  connected: true,
  lastConnectedAt: null,
  lastDisconnectedAt: null,
  connects: 1,
  connectFailures: 0,
  ackTimeouts: 0,
  inFlight: 0,
};

let n = 0;
/** A cloud command as the MQTT link would hand it to the agent. */
function command(type: Command['type'], body: Record<string, unknown>): Command {
  const now = Date.now();
  return commandSchema.parse({
    id: `cmd-kiosk-${++n}`,
    lockerId: LOCKER,
    issuedAt: now,
    expiresAt: now + 60_000,
    type,
    body,
  });
}
