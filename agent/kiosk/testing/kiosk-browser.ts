import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * TEST SUPPORT — Debian's Chromium driven by playwright-core, at the size of the locker's touch
 * panel; screenshots of the main screens go to docs/screens/ for the README.
 */
export const PANEL = { width: 1280, height: 800 };
const screensDir = fileURLToPath(new URL('../../../docs/screens/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh page on the kiosk; page errors fail the test that reads `errors`. */
export async function openKiosk(
  browser: Browser,
  url: string,
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: PANEL, hasTouch: true });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.getByTestId('collect').waitFor();
  return { page, errors, requests };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screensDir, { recursive: true });
  // The caret blinks and buttons animate on press: let the frame settle on what is shown.
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(screensDir, `${name}.png`), animations: 'disabled' });
}

/** Taps the keypad keys for `digits`, then (unless told not to) the action key. */
export async function tapCode(page: Page, digits: string, submit = true): Promise<void> {
  for (const d of digits) await page.locator(`[data-key="${d}"]`).click();
  if (submit) await page.locator('[data-key="ok"]').click();
}

/**
 * A USB scanner: the whole code as key presses in one burst, then Enter. Dispatched inside the
 * page so the burst stays a burst on a loaded test machine (the page's classifier reads the
 * events' own timestamps); a person typing is `page.keyboard.type` with a human delay.
 */
export async function usbScan(page: Page, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const target = document.activeElement ?? document.body;
    for (const key of [...${JSON.stringify(text)}, 'Enter']) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }
  })()`);
}
