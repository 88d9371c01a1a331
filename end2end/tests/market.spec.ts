import { expect, test } from '@playwright/test';
import { jsEnabled, logIn, member, open, postParcel, postTrip, topUp } from './helpers';

const tag = () => Math.random().toString(36).slice(2, 7);

test('a trip is matched, requested, countered and accepted; both sides then see the contact details', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'traveler', `Tara ${t}`);
  const sender = await member(browser, testInfo, 'sender', `Sam ${t}`);
  const stranger = await member(browser, testInfo, 'stranger', `Eve ${t}`);

  await postTrip(traveler.page, 'CDG', 'LHR');
  await expect(traveler.page.getByText('Your trip is published')).toBeVisible();

  await topUp(sender.page, '50');
  const parcelId = await postParcel(sender.page, `Novels ${t}`, 'Paris, France', 'London, United Kingdom');
  await expect(sender.page.getByTestId('status').first()).toHaveText('Open');
  const card = sender.page.getByTestId('trip-card').filter({ hasText: `Tara ${t}` });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('match-reason')).toContainText('Route');
  await expect(card.getByTestId('match-reason')).toContainText('same city area');
  await card.getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);
  const bookingUrl = sender.page.url().split('?')[0];
  await expect(sender.page.getByTestId('booking-status')).toHaveText('Waiting for an answer');
  await expect(sender.page.getByTestId('contact')).toHaveCount(0);

  // The traveler finds it in their bookings and proposes another price.
  await open(traveler.page, '/bookings');
  await traveler.page.getByTestId('booking-row').filter({ hasText: `Novels ${t}` }).getByRole('link').click();
  await expect(traveler.page.getByTestId('booking-price')).toHaveText('10.00 EUR');
  await traveler.page.getByLabel(/Propose another price/).fill('14');
  await traveler.page.getByRole('button', { name: 'Counter' }).click();
  await expect(traveler.page.getByTestId('booking-price')).toHaveText('14.00 EUR');
  await expect(traveler.page.getByTestId('timeline')).toContainText('proposed a new price at 14.00 EUR');

  // The sender accepts the counter-offer.
  await open(sender.page, bookingUrl);
  await sender.page.getByRole('button', { name: 'Accept and pay 15.40 EUR' }).click();
  await expect(sender.page.getByTestId('booking-status')).toHaveText('Accepted');
  await expect(sender.page.getByTestId('contact')).toContainText(traveler.email);

  await open(traveler.page, bookingUrl);
  await expect(traveler.page.getByTestId('booking-status')).toHaveText('Accepted');
  await expect(traveler.page.getByTestId('contact')).toContainText(sender.email);
  await expect(traveler.page.getByTestId('private-details')).toContainText('1 Rue de Rivoli');
  await expect(traveler.page.getByTestId('timeline')).toContainText('accepted at 14.00 EUR');
  await open(traveler.page, `/parcels/${parcelId}`);
  await expect(traveler.page.getByTestId('private-details')).toContainText('221B Baker Street');

  // Someone else sees neither the booking nor the private addresses.
  const res = await open(stranger.page, bookingUrl);
  expect(res?.status()).toBe(404);
  await expect(stranger.page.getByTestId('not-found')).toBeVisible();
  await open(stranger.page, `/parcels/${parcelId}`);
  await expect(stranger.page.getByRole('heading', { name: `Novels ${t}` })).toBeVisible();
  await expect(stranger.page.getByTestId('private-details')).toHaveCount(0);
  await expect(stranger.page.getByText('1 Rue de Rivoli')).toHaveCount(0);
});

test('a risky parcel waits for an admin and appears in search once approved', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const t = tag();
  const sender = await member(browser, testInfo, 'risky', `Rita ${t}`);
  const title = `Replica watch ${t}`;
  const id = await postParcel(sender.page, title, 'Lyon, France', 'Porto, Portugal');
  await expect(sender.page.getByTestId('in-review')).toBeVisible();
  await expect(sender.page.getByTestId('risk')).toContainText('prohibited item (replica)');

  const search = `/search/parcels?from=${encodeURIComponent('Lyon, France')}&to=${encodeURIComponent('Porto, Portugal')}`;
  const traveler = await member(browser, testInfo, 'looker', `Leo ${t}`);
  await open(traveler.page, search);
  await expect(traveler.page.getByText(title)).toHaveCount(0);
  const hidden = await open(traveler.page, `/parcels/${id}`);
  expect(hidden?.status()).toBe(404);

  const admin = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo), viewport: testInfo.project.use.viewport ?? undefined });
  const adminPage = await admin.newPage();
  await logIn(adminPage, process.env.E2E_ADMIN_EMAIL!, process.env.E2E_ADMIN_PASSWORD!);
  await expect(adminPage.getByTestId('nav-user')).toBeVisible();
  await open(adminPage, '/admin/parcels/review');
  const item = adminPage.getByTestId('parcel-card').filter({ hasText: title });
  await expect(item.getByTestId('review-item')).toContainText('Flagged words: replica');
  await item.getByRole('button', { name: 'Approve' }).click();
  await expect(adminPage.getByText('Decision saved.')).toBeVisible();
  await expect(adminPage.getByTestId('parcel-card').filter({ hasText: title })).toHaveCount(0);

  await open(traveler.page, search);
  await expect(traveler.page.getByTestId('results').getByText(title)).toBeVisible();
});

test('bad trip input is explained next to each field and nothing is lost', async ({ browser }, testInfo) => {
  const traveler = await member(browser, testInfo, 'badtrip', 'Bad Trip');
  const page = traveler.page;
  await open(page, '/trips/new');
  await page.getByLabel('From', { exact: true }).fill('Xyzzyville');
  await page.getByLabel('To', { exact: true }).fill('LHR');
  await page.getByLabel('Departure (local time at the origin)').fill('2020-01-01T09:00');
  await page.getByLabel('Arrival (local time at the destination)').fill('2020-01-01T08:00');
  await page.getByLabel('Space for parcels (kg)').fill('80');
  await page.getByLabel('Price per kg').fill('-2');
  await page.getByRole('button', { name: 'Publish trip' }).click();
  await expect(page.locator('[data-field-error="origin"]')).toHaveText(/don't know this place/);
  await expect(page.locator('[data-field-error="capacity_kg"]')).toHaveText(/between 0.5 and 50/);
  await expect(page.locator('[data-field-error="price_per_kg"]')).not.toBeEmpty();
  await expect(page.getByLabel('From', { exact: true })).toHaveValue('Xyzzyville');
  await expect(page.getByLabel('Space for parcels (kg)')).toHaveValue('80');
});

test('place inputs suggest as you type, and take a plain code without JavaScript', async ({ browser }, testInfo) => {
  const m = await member(browser, testInfo, 'places', 'Pia Places');
  await open(m.page, '/trips/new');
  if (jsEnabled(testInfo)) {
    await m.page.getByLabel('From', { exact: true }).pressSequentially('par');
    const options = m.page.getByTestId('suggestions-origin').locator('option');
    await expect(options.first()).toHaveAttribute('value', 'Paris, France');
    await m.page.getByLabel('To', { exact: true }).pressSequentially('CDG');
    await expect(m.page.getByTestId('suggestions-destination').locator('option').first()).toHaveAttribute('value', /Charles de Gaulle/);
  } else {
    // Without JavaScript there are no suggestions: the server resolves what was typed.
    await expect(m.page.getByTestId('suggestions-origin').locator('option')).toHaveCount(0);
  }
  await postTrip(m.page, 'cdg', 'nairobi', 20);
  await expect(m.page.getByRole('heading', { level: 1 })).toHaveText(/Charles de Gaulle.*→ Nairobi, Kenya/);
});

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

test('a sender adds a photo; another kind of file is refused with a clear message', async ({ browser }, testInfo) => {
  const s = await member(browser, testInfo, 'photos', 'Phil Photo');
  await postParcel(s.page, `Lamp ${tag()}`, 'Paris, France', 'Berlin, Germany');
  const file = s.page.locator('input[type=file][name=photos]');
  await file.setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 not a photo') });
  await s.page.getByRole('button', { name: 'Upload' }).click();
  await expect(s.page.getByTestId('photo-error')).toContainText('notes.pdf: Photos must be JPEG, PNG or WebP images.');
  await s.page.locator('input[type=file][name=photos]').setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: PNG });
  await s.page.getByRole('button', { name: 'Upload' }).click();
  await expect(s.page.getByText('Photos added.')).toBeVisible();
  await expect(s.page.getByTestId('parcel-photo')).toHaveCount(1);
  const src = await s.page.getByTestId('parcel-photo').getAttribute('src');
  const res = await s.page.request.get(src!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('image/jpeg');
  expect(res.headers()['cache-control']).toContain('immutable');
});
