import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERIAL } from '../drivers/bus/rtu-timing.ts';
import { serialPortBinding } from '../drivers/bus/serial-port-binding.ts';
import { EcrTerminal } from '../drivers/payment-terminal/ecr-terminal.ts';
import { terminalOnPty } from '../drivers/payment-terminal/testing/terminal-on-pty.ts';
import { launchChromium, openKiosk, screenshot, tapCode } from './testing/kiosk-browser.ts';
import { COURIER, type KioskHarness, startKioskHarness } from './testing/kiosk-harness.ts';

/**
 * The COD pay screen in Chromium: the real agent and kiosk, the simulator's doors, and the
 * simulated card terminal on a real pty behind the production ECR driver.
 */
describe('kiosk in Chromium: paying on pickup', () => {
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

  it('shows the amount; a declined card keeps the door shut and says why; a good card opens it', async () => {
    pos = await terminalOnPty();
    pos.terminal.offlineCapable = true;
    ecr = new EcrTerminal({
      binding: serialPortBinding(pos.agentPath, DEFAULT_SERIAL),
      saleTimeoutMs: 3_000,
    });
    h = await startKioskHarness({ paymentChannels: { terminal: ecr, sbp: true } });
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
});
