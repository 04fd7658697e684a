import type { Browser } from 'playwright-core';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  onTestFinished,
} from 'vitest';
import { DEFAULT_SERIAL } from '../drivers/bus/rtu-timing.ts';
import { serialPortBinding } from '../drivers/bus/serial-port-binding.ts';
import { EcrTerminal } from '../drivers/payment-terminal/ecr-terminal.ts';
import { terminalOnPty } from '../drivers/payment-terminal/testing/terminal-on-pty.ts';
import {
  launchChromium,
  openKiosk,
  screenshot,
  tapCode,
  usbScan,
} from './testing/kiosk-browser.ts';
import { COURIER, type KioskHarness, startKioskHarness } from './testing/kiosk-harness.ts';

describe('kiosk in Chromium: residents and couriers, real agent and simulated doors', () => {
  let browser: Browser;
  let h: KioskHarness;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  beforeEach(async () => {
    h = await startKioskHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('a courier loads parcels by scan, then the resident collects by code following the door', async () => {
    h.seedParcel({ orderId: 'o-1', barcodes: ['PX-0001'], code: '123456' });
    h.seedParcel({ orderId: 'o-2', barcodes: ['PX-0002'], size: 'M', code: '654321' });
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await screenshot(page, 'home');
    await page.getByTestId('lang').click();
    await page
      .getByTestId('collect')
      .filter({ hasText: /Collect a parcel/ })
      .waitFor({ timeout: 5000 });
    await screenshot(page, 'home-en');
    await page.getByTestId('lang').click();

    await page.getByTestId('courier').click();
    await usbScan(page, COURIER.badge);
    await page.getByText('Бейдж считан').waitFor();
    await tapCode(page, COURIER.pin, false);
    await screenshot(page, 'courier-login');
    await page.locator('[data-key="ok"]').click();
    await page.getByTestId('load').click();

    await usbScan(page, 'PX-0001');
    const row1 = page.getByTestId('row-PX-0001');
    await row1.filter({ hasText: 'Ячейка 1 · Дверца открыта' }).waitFor({ timeout: 10_000 });
    h.kiosk.scan('PX-0002'); // the serial scanner's path: server → SSE → page
    const row2 = page.getByTestId('row-PX-0002');
    await row2.filter({ hasText: 'Ячейка 5 · Дверца открыта' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'courier-loading');
    h.closeDoor('1');
    h.closeDoor('5');
    await row1.filter({ hasText: 'Дверца закрыта' }).waitFor({ timeout: 10_000 });
    await row2.filter({ hasText: 'Дверца закрыта' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('done-loading').click();
    await page.getByTestId('logout').click();

    await page.getByTestId('collect').click();
    await tapCode(page, '123456', false);
    await screenshot(page, 'code-entry');
    await page.locator('[data-key="ok"]').click();
    await page.locator('h1').filter({ hasText: 'Ячейка 1 открыта' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="cell-1"][data-door="open"]').waitFor({ timeout: 10_000 });
    await screenshot(page, 'door-open');
    expect(await page.getByTestId('done').count()).toBe(0);
    h.closeDoor('1');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    await screenshot(page, 'done');
    expect(h.agent.orderStatus('o-1')).not.toBe('ready-for-pickup');
    expect(h.agent.orderStatus('o-2')).toBe('ready-for-pickup');
    expect(errors).toEqual([]);
  });

  it('a QR code shown to the scanner at the home screen opens the cell', async () => {
    h.seedParcel({ orderId: 'o-q', barcodes: ['PX-QR1'], code: '777777' });
    const api = (path: string, body: unknown) =>
      fetch(new URL(path, h.kiosk.url), { method: 'POST', body: JSON.stringify(body) });
    await api('/api/courier/login', COURIER);
    await api('/api/courier/scan', { barcode: 'PX-QR1' });
    await h.doorSeen('1', 'open');
    h.closeDoor('1');
    await h.doorSeen('1', 'closed');
    await api('/api/logout', {});
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await usbScan(page, 'postamat:code:777777');
    await page.locator('[data-testid="cell-1"][data-door="open"]').waitFor({ timeout: 10_000 });
    h.closeDoor('1');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('wrong codes show the tries left, then the keypad locks with a live countdown', async () => {
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('collect').click();
    // A person at a keyboard: slow keys are typing, not a scan, and Enter submits.
    await page.keyboard.type('000001', { delay: 80 });
    await page.keyboard.press('Enter');
    const error = page.getByTestId('error');
    await error
      .filter({ hasText: 'Неверный код. Осталось попыток: 4' })
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'wrong-code');
    for (const left of [3, 2, 1]) {
      await tapCode(page, `00000${5 - left}`);
      await error.filter({ hasText: `Осталось попыток: ${left}` }).waitFor({ timeout: 10_000 });
    }
    // The fifth wrong code is the last try: the lockout screen, counting down from 5 minutes.
    await tapCode(page, '000005');
    const countdown = page.getByTestId('countdown');
    await countdown.filter({ hasText: /Попробуйте снова через [45]:[0-5][0-9]/ }).waitFor({
      timeout: 10_000,
    });
    const first = await countdown.textContent();
    // Live: the figure changes on the screen by itself within a few seconds.
    await countdown.filter({ hasNotText: first ?? '' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'locked');
    expect(errors).toEqual([]);
  });

  it('the door did not open: the return goes to another cell, and the screen says so', async () => {
    h.seedParcel({ orderId: 'r-1', barcodes: ['RET-1'], code: '246810', purpose: 'return' });
    h.board.applyFault({ fault: 'stuck-lock', channel: 1, on: true });
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('send').click();
    await page.getByTestId('send-return').click();
    await tapCode(page, '246810');
    await page.locator('h1').filter({ hasText: 'Ячейка 1 открыта' }).waitFor({ timeout: 10_000 });
    await page
      .getByTestId('replaced')
      .filter({ hasText: 'ячейки 1 не открылась' })
      .waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="cell-2"][data-door="open"]').waitFor({ timeout: 10_000 });
    await screenshot(page, 'door-replaced');
    h.closeDoor('2');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    expect(h.agent.cells().find((c) => c.id === '1')?.state).toBe('out-of-service');
    expect(errors).toEqual([]);
  });

  it('the door of a pickup cell did not open: the resident is told, and the cell is taken out', async () => {
    h.seedParcel({ orderId: 'o-9', barcodes: ['PX-0009'], code: '909090' });
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('courier').click();
    await usbScan(page, COURIER.badge);
    await tapCode(page, COURIER.pin);
    await page.getByTestId('load').click();
    await usbScan(page, 'PX-0009');
    await page
      .getByTestId('row-PX-0009')
      .filter({ hasText: 'Дверца открыта' })
      .waitFor({ timeout: 10_000 });
    h.closeDoor('1');
    await page
      .getByTestId('row-PX-0009')
      .filter({ hasText: 'Дверца закрыта' })
      .waitFor({ timeout: 10_000 });
    await page.getByTestId('done-loading').click();
    await page.getByTestId('logout').click();

    h.board.applyFault({ fault: 'stuck-lock', channel: 1, on: true });
    await page.getByTestId('collect').click();
    await tapCode(page, '909090');
    await page.getByTestId('door-failed').waitFor({ timeout: 20_000 });
    await screenshot(page, 'door-failed');
    expect(h.agent.cells().find((c) => c.id === '1')?.state).toBe('out-of-service');
    expect(h.agent.orderStatus('o-9')).toBe('ready-for-pickup');
    expect(errors).toEqual([]);
  });

  it('a rental: size with what is free, period, payment, code shown; the code reopens and ends it', async () => {
    // A rental is paid at the card terminal: the simulated one on a real pty, the real ECR driver.
    await h.close();
    const pos = await terminalOnPty();
    pos.terminal.offlineCapable = true;
    const ecr = new EcrTerminal({ binding: serialPortBinding(pos.agentPath, DEFAULT_SERIAL) });
    onTestFinished(async () => {
      await ecr.close();
      await pos.close();
    });
    h = await startKioskHarness({ paymentChannels: { terminal: ecr, sbp: false } });
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('rent').click();
    await page.getByTestId('rent-new').click();
    await page
      .getByTestId('size-M')
      .filter({ hasText: 'Свободно: 4' })
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'rental-size');
    await page.getByTestId('size-M').click();
    await page.getByTestId('hours-3').click();
    // The amount at the synced tariff (M: 149 ₽ + 2 × 40 ₽) is shown before anyone pays.
    await page
      .getByTestId('rental-price')
      .filter({ hasText: /К оплате: 229\s₽/ })
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'rental-payment');
    await page.getByTestId('pay-card').click();
    await page.getByTestId('pay-paid').waitFor({ timeout: 10_000 });
    await page.getByTestId('to-door').click();
    await page.locator('[data-testid="cell-5"][data-door="open"]').waitFor({ timeout: 10_000 });
    const code = (await page.locator('.rental-note .code').textContent()) ?? '';
    expect(code).toMatch(/^[0-9]{6}$/);
    await screenshot(page, 'rental-paid');
    expect(pos.terminal.charges().map((c) => c.amountKopecks)).toEqual([22_900]);
    h.closeDoor('5');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    await page.getByTestId('home').click();

    await page.getByTestId('rent').click();
    await page.getByTestId('rent-open').click();
    await tapCode(page, code, false);
    await page.getByTestId('finish-rental').click();
    await page
      .getByTestId('door-screen')
      .or(page.getByTestId('error'))
      .waitFor({ timeout: 10_000 });
    expect(
      await page.getByTestId('error').count(),
      (await page.locator('main').textContent()) ?? '',
    ).toBe(0);
    await page.locator('[data-testid="cell-5"][data-door="open"]').waitFor({ timeout: 10_000 });
    h.closeDoor('5');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => h.agent.cells().find((c) => c.id === '5')?.state, { timeout: 10_000 })
      .toBe('free');
    expect(errors).toEqual([]);
  });
});
