import { Browser, BrowserContextOptions, expect, Page, test, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';

export const PASSWORD = 'a sturdy passphrase';

/** A fresh address for every test and project, so tests never share accounts. */
export function uniqueEmail(testInfo: TestInfo, tag: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${tag}-${testInfo.project.name}-${Date.now()}-${rand}@example.com`;
}

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught errors in the page (a hydration panic leaves a page that looks fine but is dead). */
function watch(page: Page): string[] {
  let errors = pageErrors.get(page);
  if (!errors) {
    errors = [];
    const list = errors;
    page.on('pageerror', (e) => list.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /hydration|panicked/i.test(m.text())) list.push(m.text());
    });
    pageErrors.set(page, errors);
  }
  return errors;
}

/** Opens a page; with JavaScript on, waits until the app has hydrated. Fails when the page
 * before it threw an uncaught error. */
export async function open(page: Page, path: string) {
  expect(watch(page), 'uncaught errors in the browser').toEqual([]);
  const res = await page.goto(path);
  if (jsEnabled(test.info())) {
    await page.locator('body[data-hydrated="true"]').waitFor();
  }
  return res;
}

/** Fills in the sign-up form; the answer is "check your inbox", whoever the address is. */
export async function askToSignUp(page: Page, email: string, name = 'Test User', password = PASSWORD) {
  await open(page, '/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('signup-sent')).toBeVisible();
}

/** Signs up and opens the emailed link, which confirms the address and logs in. */
export async function signUp(page: Page, email: string, name = 'Test User', password = PASSWORD) {
  await askToSignUp(page, email, name, password);
  await open(page, await emailedLink(page, email, 'verify_email'));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page).toHaveURL(/\/account\?welcome=1/);
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByTestId('nav-user')).toHaveText(name);
}

export async function logIn(page: Page, email: string, password = PASSWORD) {
  await open(page, '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Opens the navigation's menu (a disclosure: it works without JavaScript too). */
export async function openMenu(page: Page) {
  const menu = page.getByRole('navigation', { name: 'Main' }).locator('details:visible');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
  await expect(menu).toHaveAttribute('open', '');
}

export async function logOut(page: Page) {
  await openMenu(page);
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

/** A new member in their own browser context (same JavaScript setting and screen as the
 * project), signed up and with a confirmed email, so they can book and carry. */
export async function member(
  browser: Browser, testInfo: TestInfo, tag: string, name: string, baseURL?: string,
  options: BrowserContextOptions = {},
) {
  const context = await browser.newContext({
    javaScriptEnabled: jsEnabled(testInfo),
    viewport: testInfo.project.use.viewport ?? undefined,
    baseURL: baseURL ?? testInfo.project.use.baseURL,
    ...options,
  });
  const page = await context.newPage();
  const email = uniqueEmail(testInfo, tag);
  await signUp(page, email, name);
  return { page, email, name };
}

/** "YYYY-MM-DD" `days` from today, and "YYYY-MM-DDTHH:00" for a datetime-local input. */
export function day(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}
export function at(days: number, hour: number): string {
  return `${day(days)}T${String(hour).padStart(2, '0')}:00`;
}

export async function postTrip(page: Page, from: string, to: string, arriveHour = 11) {
  await open(page, '/trips/new');
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  await page.getByLabel('Departure (local time at the origin)').fill(at(6, 9));
  await page.getByLabel('Arrival (local time at the destination)').fill(at(6, arriveHour));
  await page.getByLabel('Space for parcels (kg)').fill('10');
  await page.getByLabel('Price per kg').fill('5');
  await page.getByRole('button', { name: 'Publish trip' }).click();
  await expect(page).toHaveURL(/\/trips\/[0-9a-f-]+\?created=1/);
  return page.url().split('/trips/')[1].split('?')[0];
}

/** Posts a parcel (with a photo, which it needs to be listed and booked, unless `photo` is
 * false; for the sender unless a `recipient` is given) and answers its id. */
export async function postParcel(
  page: Page, title: string, from: string, to: string,
  { photo = true, recipient }: { photo?: boolean; recipient?: { name: string; phone?: string; email?: string } } = {},
) {
  await open(page, '/parcels/new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Category').selectOption('books');
  await page.getByLabel('Weight (kg)').fill('2');
  await page.getByLabel('Length (cm)').fill('30');
  await page.getByLabel('Width (cm)').fill('20');
  await page.getByLabel('Height (cm)').fill('5');
  await page.getByLabel('Declared value').fill('40');
  await page.getByLabel('Pickup city or airport').fill(from);
  await page.getByLabel('Delivery city or airport').fill(to);
  await page.getByLabel('Pickup address (private)').fill('1 Rue de Rivoli, Paris');
  await page.getByLabel('Delivery address (private)').fill('221B Baker Street, London');
  await page.getByLabel('Ready from').fill(day(1));
  await page.getByLabel('Deliver by').fill(day(20));
  await page.getByLabel('Reward you offer').fill('25');
  if (recipient) {
    await page.getByLabel('Someone else').check();
    await page.getByLabel("Recipient's name").fill(recipient.name);
    await page.getByLabel("Recipient's phone").fill(recipient.phone ?? '');
    await page.getByLabel("Recipient's email").fill(recipient.email ?? '');
  }
  await page.getByLabel('I confirm the parcel holds nothing prohibited').check();
  await page.getByRole('button', { name: 'Post parcel' }).click();
  await expect(page).toHaveURL(/\/parcels\/[0-9a-f-]+\?created=1/);
  const id = page.url().split('/parcels/')[1].split('?')[0];
  if (photo) {
    await page.locator('input[type=file][name=photos]').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByText('Photos added.')).toBeVisible();
  }
  return id;
}

/** Adds money with the sandbox card form on the wallet page (or the page it was sent to). */
export async function payWithCard(page: Page, card = '4242 4242 4242 4242') {
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('CVC').fill('123');
  await page.getByRole('button', { name: 'Add money' }).click();
}

export async function topUp(page: Page, amount: string) {
  await open(page, '/wallet');
  await page.getByLabel('Amount').first().fill(amount);
  await payWithCard(page);
  await expect(page.getByText('Money added')).toBeVisible();
}

/** An admin, logged in, in their own browser context (the project's settings, or `options`). */
export async function admin(browser: Browser, testInfo: TestInfo, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: jsEnabled(testInfo),
    viewport: testInfo.project.use.viewport ?? undefined,
    baseURL: testInfo.project.use.baseURL,
    ...options,
  });
  const page = await context.newPage();
  await logIn(page, process.env.E2E_ADMIN_EMAIL!, process.env.E2E_ADMIN_PASSWORD!);
  await expect(page.getByTestId('nav-user')).toBeVisible();
  return page;
}

/** The traveler picks up and delivers an accepted booking with the sender's two codes. */
export async function carry(traveler: Page, booking: string, codes: { pickup: string; delivery: string }) {
  await open(traveler, booking);
  await traveler.getByLabel('Pickup code from the sender').fill(codes.pickup);
  await traveler.getByLabel('The contents match the listing').check();
  await traveler.getByLabel('Nothing prohibited is inside').check();
  await traveler.getByRole('button', { name: 'Confirm pickup' }).click();
  await expect(traveler.getByTestId('booking-status')).toHaveText('Picked up');
  await traveler.getByLabel('Delivery code from the recipient').fill(codes.delivery);
  await traveler.getByRole('button', { name: 'Confirm delivery' }).click();
  await expect(traveler.getByTestId('booking-status')).toHaveText('Delivered');
}

/** A short random tag that keeps one test's names apart from another's. */
export const tag = () => Math.random().toString(36).slice(2, 7);

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/** "15 minutes later": ends the code-entry lock of a booking, straight in the test database. */
export function endCodeLock(booking: string) {
  execFileSync('psql', [process.env.E2E_DATABASE_URL!, '-qc',
    `UPDATE handoff_codes SET locked_until = now() - interval '1 second' WHERE booking_id = '${booking}'`]);
}

/** An amount shown as "1,234.50 EUR", in cents. */
export function cents(text: string): number {
  const m = text.replace(/,/g, '').match(/(-?\d+)\.(\d\d)/);
  return m ? Number(m[1]) * 100 + Math.sign(Number(m[1]) || 1) * Number(m[2]) : NaN;
}

/** The platform's fees in EUR now, read from the admin ledger page (whose check must pass). */
export async function feesNow(page: Page): Promise<number> {
  await open(page, '/admin/ledger');
  await expect(page.getByTestId('ledger-verdict')).toContainText('All invariants hold.');
  const row = page.getByTestId('system-fees-EUR');
  return (await row.count()) ? cents(await row.innerText()) : 0;
}

/** The second server instance (same database), for the scale-out spec. */
export const BASE_B = process.env.E2E_BASE_URL_B ?? 'http://127.0.0.1:3001';

/** What the test SMTP server received: one entry per recipient of each email sent. */
export async function sentEmails(): Promise<{ to: string; subject: string }[]> {
  const res = await fetch(process.env.E2E_SMTP_SINK ?? 'http://127.0.0.1:3126/messages');
  return res.json();
}

/** The TOTP code (RFC 6238: SHA-1, 6 digits, 30 s) an authenticator app with `keyBase32` shows
 * `offsetSecs` from now, computed as the app does. */
export function totp(keyBase32: string, offsetSecs = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of keyBase32.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Math.floor((Date.now() / 1000 + offsetSecs) / 30);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(bin).padStart(6, '0');
}
