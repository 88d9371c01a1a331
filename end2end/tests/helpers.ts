import { expect, Page, test, TestInfo } from '@playwright/test';

export const PASSWORD = 'a sturdy passphrase';

/** A fresh address for every test and project, so tests never share accounts. */
export function uniqueEmail(testInfo: TestInfo, tag: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${tag}-${testInfo.project.name}-${Date.now()}-${rand}@example.com`;
}

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/** Opens a page; with JavaScript on, waits until the app has hydrated. */
export async function open(page: Page, path: string) {
  const res = await page.goto(path);
  if (jsEnabled(test.info())) {
    await page.locator('body[data-hydrated="true"]').waitFor();
  }
  return res;
}

export async function signUp(page: Page, email: string, name = 'Test User', password = PASSWORD) {
  await open(page, '/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account\?welcome=1/);
  await expect(page.getByTestId('nav-user')).toHaveText(name);
}

export async function logIn(page: Page, email: string, password = PASSWORD) {
  await open(page, '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
}

/** The link in the newest email of `kind` to `to`, read from the development outbox. */
export async function emailedLink(page: Page, to: string, kind: string): Promise<string> {
  await open(page, `/dev/outbox?to=${encodeURIComponent(to)}`);
  const email = page.locator(`[data-testid="email"][data-kind="${kind}"]`).first();
  await expect(email).toBeVisible();
  const href = await email.getByTestId('email-link').getAttribute('href');
  expect(href).toBeTruthy();
  return href!;
}
