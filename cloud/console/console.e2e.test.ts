import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../../agent/kiosk/testing/kiosk-browser.ts';
import { bundleAgentMain } from '../../agent/testing/agent-process.ts';
import { bookDelivery } from '../service/testing/cloud-api-client.ts';
import { LAPTOP, openConsole, signIn, signOut } from './testing/console-browser.ts';
import { type ConsoleRig, PASSWORD, startConsoleRig } from './testing/console-rig.ts';

/**
 * The console in Debian's Chromium against the REAL cloud service and two REAL agent processes
 * on simulated boards over MQTT: what an operator and a tenant's user do, step by step. The
 * steps share one cloud (starting it is the slow part) and run in order.
 */
const WAIT = { timeout: 30_000 };
let dir: string;
let bundle: string;
let rig: ConsoleRig;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-console-'));
  bundle = bundleAgentMain();
  rig = await startConsoleRig(dir, bundle);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

describe('operator console in Chromium, real cloud and lockers', () => {
  it('an operator signs in (a wrong password is refused) and sees the fleet on a map', async () => {
    ({ page, errors } = await openConsole(browser, rig.url));
    await page.getByTestId('signin-form').waitFor(WAIT);
    await screenshot(page, 'console-sign-in');
    await page.getByLabel('Эл. почта').fill(rig.users.dispatcher);
    await page.getByLabel('Пароль').fill('not the password');
    await page.getByTestId('signin').click();
    await page
      .getByTestId('signin-error')
      .filter({ hasText: 'Неверная почта или пароль' })
      .waitFor(WAIT);

    await signIn(page, rig.users.dispatcher, PASSWORD);
    expect(await page.getByTestId('role').textContent()).toBe('диспетчер');
    for (const id of ['L-north', 'L-south']) {
      await page.locator(`[data-testid="locker-row-${id}"][data-state="online"]`).waitFor(WAIT);
      await page.getByTestId(`map-${id}`).waitFor(WAIT);
    }
    await page.getByTestId('fleet-search').fill('ленинский');
    await page.getByTestId('locker-row-L-north').waitFor({ state: 'detached', ...WAIT });
    expect(await page.getByTestId('locker-row-L-south').count()).toBe(1);
    await page.getByTestId('fleet-search').fill('');
    await page.getByTestId('locker-row-L-north').waitFor(WAIT);
    await screenshot(page, 'console-fleet');
    // English one click away, and back; the choice is the page's, the data stays.
    await page.getByTestId('lang').click();
    await page.getByTestId('nav-fleet').filter({ hasText: 'Lockers' }).waitFor(WAIT);
    await page.getByTestId('locker-row-L-north').filter({ hasText: 'online' }).waitFor(WAIT);
    await page.getByTestId('lang').click();
    await page.getByTestId('nav-fleet').filter({ hasText: 'Постаматы' }).waitFor(WAIT);
    // A tablet held upright: the map goes under the list and nothing scrolls sideways.
    await page.setViewportSize({ width: 800, height: 1200 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
    await page.getByTestId('nav-alarms').waitFor(WAIT);
    await page.setViewportSize(LAPTOP);
  });

  it('sees a locker go offline when its agent stops, live, without a reload', async () => {
    // A reload would drop this mark: the update must come without one.
    await page.evaluate('window.notReloaded = true');
    await page.locator('body[data-live="up"]').waitFor(WAIT);
    await rig.lockers['L-south'].agent.kill();
    await page.locator('[data-testid="locker-row-L-south"][data-state="offline"]').waitFor(WAIT);
    await page.getByTestId('locker-row-L-south').filter({ hasText: 'нет связи' }).waitFor(WAIT);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await page.getByTestId('fleet-state').selectOption('offline');
    expect(await page.getByTestId('locker-row-L-north').count()).toBe(0);
    await page.getByTestId('fleet-state').selectOption('');
  });

  it('opens a cell remotely with a reason, confirmed, and sees the door event come back', async () => {
    await page.getByRole('link', { name: 'L-north' }).first().click();
    await page.getByTestId('cell-C2').waitFor(WAIT);
    await page.getByTestId('open-C2').click();
    const dialog = page.getByTestId('dialog');
    await dialog.waitFor(WAIT);
    // No reason, no command: the form will not submit.
    await page.getByTestId('dialog-confirm').click();
    expect(await dialog.isVisible()).toBe(true);
    await page.getByTestId('dialog-reason').fill('Клиент не может открыть, звонок в поддержку');
    await page.getByTestId('dialog-confirm').click();
    await page.locator('[data-testid="command-result"][data-status="applied"]').waitFor(WAIT);
    expect(rig.lockers['L-north'].sim.openedChannels).toContain(2);
    await page.getByTestId('door-events').filter({ hasText: 'дверца открылась' }).waitFor(WAIT);
    await page.getByTestId('audit').filter({ hasText: 'remote-open' }).waitFor(WAIT);
    // The bus master's counters, as the locker's status reports them.
    await page
      .getByTestId('locker-health')
      .filter({ hasText: /кадров \d+ отправлено/ })
      .waitFor(WAIT);
    await screenshot(page, 'console-locker');
  });

  it('acknowledges and resolves an alarm raised by a forced door, shown live', async () => {
    await page.getByTestId('nav-alarms').click();
    await page.getByTestId('alarms-title').or(page.locator('#alarms-title')).waitFor(WAIT);
    rig.lockers['L-north'].sim.sim.forceOpen(3);
    await page.getByTestId('notice-alarm').filter({ hasText: 'L-north' }).waitFor(WAIT);
    const row = page.getByTestId('alarm-L-north-forced-open');
    await row.waitFor(WAIT);
    await screenshot(page, 'console-alarms');
    await row.getByTestId('acknowledge').click();
    await page.getByTestId('dialog-note').fill('Выехал техник');
    await page.getByTestId('dialog-confirm').click();
    await row.filter({ hasText: 'принята' }).waitFor(WAIT);
    await row.getByTestId('resolve').click();
    await page.getByTestId('dialog-note').fill('Дверца закрыта, замок исправен');
    await page.getByTestId('dialog-confirm').click();
    await row.waitFor({ state: 'detached', ...WAIT });
    expect(errors).toEqual([]);
  });

  it('a viewer sees no actions, and the API refuses one sent anyway', async () => {
    await signOut(page);
    await signIn(page, rig.users.viewer, PASSWORD);
    await page.goto(`${rig.url}#/lockers/L-north`);
    await page.getByTestId('cell-C1').waitFor(WAIT);
    expect(await page.getByTestId('open-C1').count()).toBe(0);
    const answer = await page
      .context()
      .request.post(`${rig.service.httpUrl}/v1/operator/lockers/L-north/remote-open`, {
        data: { cellId: 'C1', reason: 'just trying' },
      });
    expect(answer.status()).toBe(403);
  });

  it('an admin creates a tenant, sees its key once, issues and revokes another, and sets a webhook', async () => {
    await signOut(page);
    await signIn(page, rig.users.admin, PASSWORD);
    await page.getByTestId('nav-tenants').click();
    await page.getByTestId('create-tenant').click();
    await page.getByTestId('dialog-name').fill('Shop C');
    await page.getByTestId('dialog-kind').selectOption('carrier');
    await page.getByTestId('dialog-confirm').click();
    const first = (await page.getByTestId('api-key').textContent({ timeout: 30_000 })) ?? '';
    // The key shown works as a tenant's key against the API.
    expect((await rig.call('GET', '/v1/lockers', first)).status).toBe(200);

    await page.getByTestId('issue-key').click();
    await page.getByTestId('dialog-label').fill('warehouse');
    await page.getByTestId('dialog-confirm').click();
    await page.getByTestId('api-key').filter({ hasNotText: first }).waitFor(WAIT);
    const second = (await page.getByTestId('api-key').textContent()) ?? '';
    expect((await rig.call('GET', '/v1/lockers', second)).status).toBe(200);
    const row = page.locator('[data-testid^="key-"]').filter({ hasText: 'warehouse' });
    await row.locator('[data-testid^="revoke-"]').click();
    await page.getByTestId('dialog-confirm').click();
    await row.filter({ hasText: 'отозван' }).waitFor(WAIT);
    expect((await rig.call('GET', '/v1/lockers', second)).status).toBe(401);
    expect((await rig.call('GET', '/v1/lockers', first)).status).toBe(200);

    await page.getByTestId('webhook-url').fill('https://shop-c.example/hooks');
    await page.getByTestId('webhook-save').click();
    // The signing secret replaces the key on screen, shown once too; the URL is kept.
    await page.getByTestId('api-key').filter({ hasNotText: second }).waitFor(WAIT);
    expect(await page.getByTestId('webhook-url').inputValue()).toBe('https://shop-c.example/hooks');
    await screenshot(page, 'console-tenants');
    expect(errors).toEqual([]);
  });

  it("a tenant's user finds its own orders and cannot see another tenant's (UI and API)", async () => {
    const { orderId } = await bookDelivery(rig.call, rig.tenants.a.key, 'L-north', 'BC-CONSOLE-1');
    await signOut(page);
    await signIn(page, rig.users.tenantB, PASSWORD);
    expect(await page.getByTestId('nav-fleet').count()).toBe(0);
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('order-search').fill(orderId);
    await page.getByTestId('order-find').click();
    await page.getByTestId('orders-none').or(page.getByTestId('orders-error')).waitFor(WAIT);
    expect(await page.getByTestId('order').count()).toBe(0);
    const direct = await page.context().request.get(`${rig.service.httpUrl}/v1/orders/${orderId}`);
    expect([403, 404]).toContain(direct.status());
    expect(await direct.text()).not.toContain('BC-CONSOLE-1');

    await signOut(page);
    await signIn(page, rig.users.tenantA, PASSWORD);
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('order-search').fill('BC-CONSOLE-1');
    await page.getByTestId('order-find').click();
    await page.getByTestId(`order-${orderId}`).click();
    await page.getByTestId('timeline').waitFor(WAIT);
    await page.getByTestId('order-extend').waitFor(WAIT);
    await screenshot(page, 'console-orders');
    expect(errors).toEqual([]);
  });
});

/** What the test reads of an <input> in the page (the tests compile without the DOM's types). */
type TextField = {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  setSelectionRange(start: number, end: number): void;
};

describe('the console redraw in Chromium', () => {
  it('keeps the field being typed in focused with its selection, so a live reload cannot eat a keystroke', async () => {
    // An operator selects the search text to type over it; a live event redraws the screen
    // between the selection and the key. The key must still replace the whole text.
    const { page: p, errors: pageErrors } = await openConsole(browser, rig.url);
    await p.getByTestId('signin-form').waitFor(WAIT);
    const redraw = `(async () => {
      const { h, mount } = await import('/console/view.js');
      const root = document.createElement('div');
      document.body.append(root);
      const draw = (value) =>
        mount(root, h('form', null,
          h('input', { type: 'search', value, 'data-testid': 'redraw-search' }),
          h('input', { type: 'email', value: 'a@b.ru', 'data-testid': 'redraw-email' })));
      window.redraw = () => draw(root.querySelector('[data-testid="redraw-search"]').value);
      draw('ленинский');
    })()`;
    await p.evaluate(redraw);
    const search = p.getByTestId('redraw-search');
    await search.focus();
    await search.evaluate((el: TextField) => el.setSelectionRange(0, el.value.length));
    await p.evaluate('window.redraw()');
    expect(await p.evaluate('document.activeElement.dataset.testid')).toBe('redraw-search');
    expect(await search.evaluate((el: TextField) => [el.selectionStart, el.selectionEnd])).toEqual([
      0,
      'ленинский'.length,
    ]);
    await p.keyboard.press('Delete');
    expect(await search.inputValue()).toBe('');
    // A caret alone stays where it was.
    await search.fill('ленинский');
    await search.evaluate((el: TextField) => el.setSelectionRange(3, 3));
    await p.evaluate('window.redraw()');
    await p.keyboard.type('X');
    expect(await search.inputValue()).toBe('ленXинский');
    // An email field has no selection to keep: it keeps its focus and nothing throws.
    await p.getByTestId('redraw-email').focus();
    await p.evaluate('window.redraw()');
    expect(await p.evaluate('document.activeElement.dataset.testid')).toBe('redraw-email');
    expect(pageErrors).toEqual([]);
    await p.context().close();
  });
});
