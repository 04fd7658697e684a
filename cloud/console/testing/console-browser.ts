import type { Browser, Page } from 'playwright-core';

/** A laptop's screen: the console's main target (a tablet is checked by one test). */
export const LAPTOP = { width: 1366, height: 860 };

/** A fresh browser context (its own cookies) on the console; page errors land in `errors`. */
export async function openConsole(
  browser: Browser,
  url: string,
  viewport = LAPTOP,
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'ru-RU' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // Chromium logs every 4xx fetch; those are answers the page handles (401 before sign-in,
    // 403 for a role, 404 for a search). Server errors and script errors still count.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  await page.goto(url);
  return { page, errors };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel(/почта|email/i).fill(email);
  await page.getByLabel(/пароль|password/i).fill(password);
  await page.getByTestId('signin').click();
  await page.getByTestId('whoami').waitFor({ timeout: 15_000 });
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('signin-form').waitFor({ timeout: 15_000 });
}
