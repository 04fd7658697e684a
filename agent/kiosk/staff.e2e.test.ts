import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  openKiosk,
  screenshot,
  tapCode,
  usbScan,
} from './testing/kiosk-browser.ts';
import {
  COURIER,
  type KioskHarness,
  startKioskHarness,
  TECHNICIAN_PIN,
} from './testing/kiosk-harness.ts';

describe('kiosk in Chromium: technician and courier collection, idle timeout', () => {
  let browser: Browser;
  let h: KioskHarness | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the technician logs in, sees the alarm, opens a cell with a reason, and reads the bus', async () => {
    // The cloud link as the sync client reports it (its own tests cover the MQTT side).
    const link = {
      connected: true,
      lastConnectedAt: Date.now() - 60_000,
      lastDisconnectedAt: null,
      connects: 3,
      connectFailures: 2,
      ackTimeouts: 0,
      inFlight: 0,
    };
    h = await startKioskHarness({ network: { linkState: () => link } });
    const harness = h;
    h.board.forceOpen(7);
    await expect.poll(() => harness.agent.diagnostics().alarms, { timeout: 10_000 }).toBe(1);
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('service').click();
    await tapCode(page, '123456');
    await page.getByTestId('error').waitFor({ timeout: 10_000 });
    await tapCode(page, TECHNICIAN_PIN);
    // Opened before anyone logged in: the grid knows it from the board, not from a live event.
    await page
      .getByTestId('tech-cell-7')
      .filter({ hasText: 'Дверца открыта' })
      .waitFor({ timeout: 10_000 });
    h.board.closeDoor(7);
    await page.getByTestId('tech-cell-3').click();
    await screenshot(page, 'service-cells');
    await page.getByTestId('open-tech.reason.check').click();
    await page.getByTestId('notice').waitFor({ timeout: 10_000 });
    await expect.poll(() => harness.board.isDoorOpen(3), { timeout: 10_000 }).toBe(true);
    await page
      .getByTestId('tech-cell-3')
      .filter({ hasText: 'Дверца открыта' })
      .waitFor({ timeout: 10_000 });
    h.closeDoor('3');
    await page
      .getByTestId('tech-cell-3')
      .filter({ hasText: 'свободна' })
      .waitFor({ timeout: 10_000 });

    await page.getByTestId('tab-alarms').click();
    await page.getByText('Дверца вскрыта').waitFor({ timeout: 10_000 });
    await screenshot(page, 'service-alarms');
    await page.getByText('Сбросить').click();
    await page.getByText('Активных тревог нет.').waitFor({ timeout: 10_000 });

    await page.getByTestId('tab-boards').click();
    await page.getByTestId('inventory').click();
    await page.getByText('Проверено ячеек').waitFor({ timeout: 10_000 });
    await screenshot(page, 'service-boards');
    await page.getByTestId('tab-network').click();
    await page.getByText('Событий ждут отправки').waitFor({ timeout: 10_000 });
    const network = page.getByTestId('network');
    await network.getByText('Связь с облаком есть').waitFor({ timeout: 10_000 });
    await network
      .locator('tr')
      .filter({ hasText: 'Неудачных подключений' })
      .filter({ hasText: '2' })
      .waitFor({ timeout: 10_000 });
    await network.getByText('Версия данных из облака').waitFor({ timeout: 10_000 });
    await screenshot(page, 'service-network');
    await page.getByTestId('tab-logs').click();
    await page.getByText('technician-open').waitFor({ timeout: 10_000 });
    await screenshot(page, 'service-log');
    await page.getByTestId('back').click();
    await page.getByTestId('collect').waitFor();
    const status = await fetch(new URL('/api/technician/status', h.kiosk.url));
    expect(await status.json()).toMatchObject({ ok: false, code: 'not-authorized' });
    expect(errors).toEqual([]);
  });

  it('a resident drops a return; the courier collects the batch', async () => {
    h = await startKioskHarness();
    h.seedParcel({ orderId: 'ret-7', barcodes: ['RET-7'], code: '135790', purpose: 'return' });
    const { page, errors } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('send').click();
    await screenshot(page, 'send-menu');
    await page.getByTestId('send-return').click();
    await tapCode(page, '135790');
    await page.locator('[data-testid="cell-1"][data-door="open"]').waitFor({ timeout: 10_000 });
    h.closeDoor('1');
    await page.getByTestId('done').waitFor({ timeout: 10_000 });
    await page.getByTestId('home').click();

    await page.getByTestId('courier').click();
    await tapCode(page, COURIER.pin, false);
    await usbScan(page, COURIER.badge);
    await page.getByText('Бейдж считан').waitFor({ timeout: 10_000 });
    await page.locator('[data-key="ok"]').click();
    await page.getByTestId('collect-batch').click();
    await page.getByTestId('order-ret-7').waitFor({ timeout: 10_000 });
    await page.getByTestId('collect-all').click();
    await page
      .getByTestId('order-ret-7')
      .filter({ hasText: 'Открыты ячейки: 1' })
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'courier-collection');
    await h.doorSeen('1', 'open');
    h.closeDoor('1');
    await expect
      .poll(() => h?.agent.cells().find((c) => c.id === '1')?.state, { timeout: 10_000 })
      .toBe('free');
    expect(errors).toEqual([]);
  });

  it('works by keyboard alone, and every control is a 64 px touch target', async () => {
    h = await startKioskHarness();
    const { page, errors, requests } = await openKiosk(browser, h.kiosk.url);
    const smallest = () =>
      page.evaluate(`Math.min(...[...document.querySelectorAll('button, input')].map((el) => {
        const r = el.getBoundingClientRect();
        return Math.min(r.width, r.height);
      }))`);
    expect(await smallest()).toBeGreaterThanOrEqual(64);
    // Each screen starts focus at its top, so the first Tab lands on its first control.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.dataset.testid')).toBe('collect');
    await page.keyboard.press('Enter');
    await page.getByTestId('digits').waitFor();
    expect(await smallest()).toBeGreaterThanOrEqual(64);
    await page.keyboard.press('Escape');
    await page.getByTestId('collect').waitFor();
    await page.getByTestId('rent').click();
    await page.getByTestId('rent-new').click();
    await page.getByTestId('size-S').waitFor();
    expect(await smallest()).toBeGreaterThanOrEqual(64);
    await page.keyboard.press('Escape');
    await page.getByTestId('rent-new').waitFor();
    expect(errors).toEqual([]);
    // Nothing but the agent on this board: the screen works with the network down.
    const origin = new URL(h.kiosk.url).origin;
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual(
      [],
    );
  });

  it('left alone, the screen goes home and the courier session is gone on the server', async () => {
    h = await startKioskHarness({ idleMs: 1500 });
    const { page } = await openKiosk(browser, h.kiosk.url);
    await page.getByTestId('courier').click();
    await usbScan(page, COURIER.badge);
    await tapCode(page, COURIER.pin);
    await page.getByTestId('load').waitFor({ timeout: 10_000 });
    await page.getByTestId('collect').waitFor({ timeout: 15_000 });
    const res = await fetch(new URL('/api/courier/collectable', h.kiosk.url));
    expect(await res.json()).toMatchObject({ ok: false, code: 'not-authorized' });
  });
});
