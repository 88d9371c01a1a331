// Disputes: a damaged parcel, a dispute with a photo, the traveler's answer, an admin's 50/50
// split, and both wallets showing it.
import { expect, test } from '@playwright/test';
import { admin, carry, member, open, PNG, postParcel, postTrip, tag, topUp } from './helpers';

test('a damaged parcel is disputed with a photo and the admin splits the price', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'dispute-traveler', `Dora ${t}`);
  const sender = await member(browser, testInfo, 'dispute-sender', `Dan ${t}`);
  const adminPage = await admin(browser, testInfo);

  await postTrip(traveler.page, 'LIS', 'OPO');
  await topUp(sender.page, '50');
  const parcel = await postParcel(sender.page, `Vase ${t}`, 'LIS', 'OPO');
  await open(sender.page, `/parcels/${parcel}`);
  await sender.page.getByTestId('trip-card').filter({ hasText: `Dora ${t}` })
    .getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);
  const bookingUrl = sender.page.url().split('?')[0];

  await open(traveler.page, bookingUrl);
  await traveler.page.getByRole('button', { name: 'Accept at 10.00 EUR' }).click();
  await expect(traveler.page.getByTestId('booking-status')).toHaveText('Accepted');
  await open(sender.page, bookingUrl);
  const pickup = (await sender.page.getByTestId('pickup-code').innerText()).trim();
  const delivery = (await sender.page.getByTestId('delivery-code').innerText()).trim();
  await expect(sender.page.getByTestId('open-dispute')).toHaveCount(0);

  await carry(traveler.page, bookingUrl, { pickup, delivery });

  // The sender opens a dispute and adds a photo.
  await open(sender.page, bookingUrl);
  const form = sender.page.getByTestId('open-dispute');
  await form.locator('summary').click();
  await form.getByLabel('What happened').selectOption('damaged');
  await form.getByLabel('Tell us more').fill('The vase arrived in pieces.');
  await form.getByRole('button', { name: 'Open the dispute' }).click();
  const dispute = sender.page.getByTestId('dispute');
  await expect(dispute).toContainText('Dispute: Damaged');
  await expect(dispute).toContainText('The vase arrived in pieces.');
  await expect(sender.page.getByRole('button', { name: 'Confirm receipt' })).toHaveCount(0);
  await dispute.getByTestId('dispute-photo-form').locator('input[type=file]')
    .setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: PNG });
  await dispute.getByRole('button', { name: 'Add photo' }).click();
  await expect(sender.page.getByTestId('dispute-photo')).toBeVisible();
  const photo = await sender.page.getByTestId('dispute-photo').getAttribute('src');
  expect((await sender.page.request.get(photo!)).headers()['content-type']).toBe('image/jpeg');

  // The traveler answers; a stranger cannot see the photo.
  await open(traveler.page, bookingUrl);
  await expect(traveler.page.getByTestId('dispute-photo')).toBeVisible();
  await traveler.page.getByTestId('dispute-reply').getByLabel('Add to the dispute').fill('It was packed well when I took it.');
  await traveler.page.getByTestId('dispute-reply').getByRole('button', { name: 'Send' }).click();
  await expect(traveler.page.getByTestId('dispute-messages')).toContainText('It was packed well');
  const stranger = await member(browser, testInfo, 'dispute-stranger', `Eve ${t}`);
  expect((await stranger.page.request.get(photo!)).status()).toBe(404);

  // The admin splits the price 50/50.
  await open(adminPage, '/admin/disputes');
  await adminPage.getByTestId('dispute-item').filter({ hasText: `Vase ${t}` }).getByRole('link').click();
  await expect(adminPage.getByTestId('dispute-money')).toContainText('held in escrow 11.00 EUR');
  await adminPage.getByLabel('Outcome').selectOption('split');
  await adminPage.getByLabel(/Sender's share of the price/).fill('50');
  await adminPage.getByRole('button', { name: 'Settle the dispute' }).click();
  await expect(adminPage.getByTestId('dispute-outcome')).toContainText('5.00 EUR back to the sender (50%), 5.00 EUR to the traveler');

  await open(adminPage, '/admin/audit?action=dispute.');
  await expect(adminPage.getByTestId('audit-entry').first()).toContainText('dispute.resolve');
  await expect(adminPage.getByTestId('audit-entry').first()).toContainText('"outcome":"split"');

  // Both wallets show it.
  await open(sender.page, '/wallet');
  await expect(sender.page.getByTestId('balance-EUR').getByTestId('available')).toHaveText('44.00 EUR');
  await expect(sender.page.getByTestId('history')).toContainText(`Dispute settled: Vase ${t}`);
  await open(traveler.page, '/wallet');
  await expect(traveler.page.getByTestId('balance-EUR').getByTestId('available')).toHaveText('5.00 EUR');
  await open(sender.page, bookingUrl);
  await expect(sender.page.getByTestId('booking-status')).toHaveText('Settled by Carry after a dispute');
  await expect(sender.page.getByTestId('dispute-outcome')).toBeVisible();

  // The admins' inspector shows the booking's timeline and its money, and the explorer finds it.
  const bookingId = bookingUrl.split('/bookings/')[1];
  await open(adminPage, `/admin/bookings?q=${bookingId}`);
  const inspected = adminPage.getByTestId('inspected-booking');
  await expect(inspected).toContainText(`Vase ${t}`);
  await expect(adminPage.getByTestId('inspected-held')).toHaveText('0.00 EUR');
  await expect(adminPage.getByTestId('inspected-timeline')).toContainText('picked it up');
  const ledger = adminPage.getByTestId('transaction');
  await expect(ledger.filter({ hasText: 'hold' }).first()).toContainText(`Wallet of Dan ${t}`);
  await expect(ledger.filter({ hasText: 'refund' }).or(ledger.filter({ hasText: 'release' })).first()).toBeVisible();
  await open(adminPage, `/admin/ledger/transactions?email=${encodeURIComponent(sender.email)}&account=escrow`);
  await expect(adminPage.getByTestId('transaction').first()).toContainText(`Wallet of Dan ${t}`);
  await open(adminPage, '/admin/ledger/transactions?from=not-a-date');
  await expect(adminPage.getByTestId('search-error')).toHaveText('Enter a date such as 2026-12-01.');
});
