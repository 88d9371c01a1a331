// Parcels: risk review before publication, photos.
import { expect, test } from '@playwright/test';
import { jsEnabled, logIn, member, open, PNG, postParcel, tag } from './helpers';

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

test('a sender adds a photo; another kind of file is refused with a clear message', async ({ browser }, testInfo) => {
  const s = await member(browser, testInfo, 'photos', 'Phil Photo');
  const parcel = await postParcel(s.page, `Lamp ${tag()}`, 'Paris, France', 'Berlin, Germany', { photo: false });
  await expect(s.page.getByTestId('needs-photo')).toBeVisible();
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
  expect(res.headers()['cache-control']).toContain('public');
  await expect(s.page.getByTestId('needs-photo')).toHaveCount(0);
  // Anyone may see it while the parcel is listed; once cancelled, only its sender.
  const stranger = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  expect((await stranger.request.get(src!)).status()).toBe(200);
  await s.page.getByRole('button', { name: 'Cancel parcel' }).click();
  await expect(s.page).toHaveURL(new RegExp(`/parcels/${parcel}\\?cancelled=1`));
  expect((await stranger.request.get(src!)).status()).toBe(404);
  const own = await s.page.request.get(src!);
  expect(own.status()).toBe(200);
  expect(own.headers()['cache-control']).toBe('private, no-store');
  await stranger.close();
});
