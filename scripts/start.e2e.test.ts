import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  openKiosk,
  screenshot,
  tapCode,
  usbScan,
} from '../agent/kiosk/testing/kiosk-browser.ts';
import { openConsole, signIn } from '../cloud/console/testing/console-browser.ts';

// `npm start` as a newcomer runs it: a real cloud and three real agent processes, used only
// through what the banner prints (keys, URLs, the courier's code) and the kiosk pages.

const root = new URL('..', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Three consecutive free ports for the three kiosks. */
async function freeRun(): Promise<number> {
  for (;;) {
    const first = await freePort();
    const probes = await Promise.all(
      [first + 1, first + 2].map(
        (p) =>
          new Promise<boolean>((resolve) => {
            const s = createServer();
            s.once('error', () => resolve(false));
            s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
          }),
      ),
    );
    if (probes.every(Boolean) && first + 2 < 65536) return first;
  }
}

interface Demo {
  child: ChildProcess;
  banner: string;
  exited: Promise<number | null>;
}

async function startDemo(env: NodeJS.ProcessEnv): Promise<Demo> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let banner = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      banner += `${line}\n`;
      if (line.startsWith('Ctrl-C stops everything')) resolve();
    });
    void exited.then((code) =>
      reject(new Error(`npm start exited with ${code}:\n${banner}${stderr}`)),
    );
  });
  return { child, banner, exited };
}

async function stopDemo(demo: Demo): Promise<number | null> {
  demo.child.kill('SIGINT');
  return demo.exited;
}

function match(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`${pattern} not in the banner:\n${text}`);
  return found;
}

describe('npm start', () => {
  let browser: Browser;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    browser = await launchChromium();
    dataDir = mkdtempSync(join(tmpdir(), 'demo-'));
    env = {
      POSTAMAT_DATA_DIR: dataDir,
      POSTAMAT_HTTP_PORT: String(await freePort()),
      POSTAMAT_MQTT_PORT: String(await freePort()),
      POSTAMAT_KIOSK_PORT: String(await freeRun()),
    };
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function scanUntilOpen(page: Page, barcode: string): Promise<void> {
    // The booking reaches the locker by MQTT a moment after the API answered: scan again until
    // the locker knows the parcel, as a courier at a locker whose sync lags would.
    const row = page.getByTestId(`row-${barcode}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      await usbScan(page, barcode);
      const opened = await row
        .filter({ hasText: /Дверца открыта|Дверца закрыта/ })
        .waitFor({ timeout: 3000 })
        .then(() => true)
        .catch(() => false);
      if (opened) return;
      if (Date.now() > deadline) throw new Error(`the locker never accepted ${barcode}`);
    }
  }

  it('books a delivery with the printed key, deposits and collects it at a kiosk, pays the COD parcel by card, stops cleanly, and keeps the data', async () => {
    const demo = await startDemo(env);
    const api = match(demo.banner, /API\s+(http:\/\/\S+)\/v1/);
    const key = match(demo.banner, /Яндекс Маркет\s+(pk_\S+)/);
    const kiosk = match(demo.banner, /kiosk\s+(http:\/\/\S+)\s+msk-tverskaya-7/);
    const courierCode = match(demo.banner, /enter today's code (\d+)/);
    const consoleUrl = match(demo.banner, /console\s+(http:\/\/\S+)/);
    const consoleEmail = match(demo.banner, /console\s+\S+\s+sign in: (\S+)/);
    const consolePassword = match(demo.banner, /console\s+.*password (\S+)/);

    const booked = await fetch(`${api}/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'idempotency-key': 'e2e-1',
      },
      body: JSON.stringify({
        kind: 'delivery',
        lockerId: 'msk-tverskaya-7',
        size: 'S',
        barcode: 'E2E-0001',
      }),
    });
    expect(booked.status).toBe(201);
    const { order, codes } = (await booked.json()) as {
      order: { id: string };
      codes: { code: string }[];
    };
    const pickupCode = codes[0]!.code;
    const status = async () =>
      (
        (await (
          await fetch(`${api}/v1/orders/${order.id}`, {
            headers: { authorization: `Bearer ${key}` },
          })
        ).json()) as { status: string }
      ).status;

    const { page, errors } = await openKiosk(browser, kiosk);
    await screenshot(page, 'demo-home');
    await page.getByTestId('courier').click();
    await tapCode(page, courierCode);
    await page.getByTestId('load').click();
    await scanUntilOpen(page, 'E2E-0001');
    // The demo's simulated person shuts the door a few seconds after it springs open.
    await page
      .getByTestId('row-E2E-0001')
      .filter({ hasText: 'Дверца закрыта' })
      .waitFor({ timeout: 20_000 });
    await page.getByTestId('done-loading').click();
    await page.getByTestId('logout').click();
    await expect.poll(status, { timeout: 30_000, interval: 250 }).toBe('ready-for-pickup');

    await page.getByTestId('collect').click();
    await tapCode(page, pickupCode);
    await page
      .locator('h1')
      .filter({ hasText: /Ячейка \d+ открыта/ })
      .waitFor({ timeout: 15_000 });
    await page.getByTestId('done').waitFor({ timeout: 20_000 });
    await expect.poll(status, { timeout: 30_000, interval: 250 }).toBe('collected');
    expect(errors).toEqual([]);
    await page.close();

    // Cash on delivery, as the banner tells: the code asks for 1 499 ₽, the demo's simulated
    // card terminal approves, and only then does the door open.
    const codKiosk = match(demo.banner, /Pay cash on delivery: open (http:\/\/\S+),/);
    const codCode = match(demo.banner, /Pay cash on delivery: .* type (\d+), pay/);
    const cod = await openKiosk(browser, codKiosk);
    await cod.page.getByTestId('collect').click();
    await tapCode(cod.page, codCode);
    await cod.page
      .getByTestId('amount')
      .filter({ hasText: /1\s?499/ })
      .waitFor({ timeout: 15_000 });
    await cod.page.getByTestId('pay-pos').click();
    await cod.page.getByTestId('pay-paid').waitFor({ timeout: 20_000 });
    await screenshot(cod.page, 'demo-cod-paid');
    await cod.page.getByTestId('to-door').click();
    await cod.page.getByTestId('done').waitFor({ timeout: 20_000 });
    expect(cod.errors).toEqual([]);
    await cod.page.close();

    // The operator console: the printed sign-in works out of the box and shows the three lockers.
    const operator = await openConsole(browser, consoleUrl);
    await signIn(operator.page, consoleEmail, consolePassword);
    await operator.page
      .locator('[data-testid="locker-row-msk-tverskaya-7"][data-state="online"]')
      .waitFor({ timeout: 30_000 });
    expect(await operator.page.locator('[data-testid^="locker-row-"]').count()).toBe(3);
    expect(operator.errors).toEqual([]);
    await operator.page.context().close();

    expect(await stopDemo(demo)).toBe(0);

    const again = await startDemo(env);
    expect(again.banner).not.toContain('first start');
    expect(await status()).toBe('collected');
    expect(again.banner).toContain(key);
    expect(again.banner).toContain(`password ${consolePassword}`);
    expect(await stopDemo(again)).toBe(0);
  }, 240_000);
});
