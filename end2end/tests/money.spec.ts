import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { admin, member, open, payWithCard, postParcel, postTrip, topUp } from './helpers';

const tag = () => Math.random().toString(36).slice(2, 7);

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/** "15 minutes later": ends the code-entry lock of a booking, straight in the test database. */
function endCodeLock(booking: string) {
  execFileSync('psql', [process.env.E2E_DATABASE_URL!, '-qc',
    `UPDATE handoff_codes SET locked_until = now() - interval '1 second' WHERE booking_id = '${booking}'`]);
}

/** An amount shown as "1,234.50 EUR", in cents. */
function cents(text: string): number {
  const m = text.replace(/,/g, '').match(/(-?\d+)\.(\d\d)/);
  return m ? Number(m[1]) * 100 + Math.sign(Number(m[1]) || 1) * Number(m[2]) : NaN;
}

async function feesNow(page: import('@playwright/test').Page): Promise<number> {
  await open(page, '/admin/ledger');
  await expect(page.getByTestId('ledger-verdict')).toContainText('All invariants hold.');
  const row = page.getByTestId('system-fees-EUR');
  return (await row.count()) ? cents(await row.innerText()) : 0;
}

test('a booking is paid from the wallet, handed over with codes, and pays the traveler', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'traveler', `Tara ${t}`);
  const sender = await member(browser, testInfo, 'sender', `Sam ${t}`);
  const adminPage = await admin(browser, testInfo);
  const feesBefore = await feesNow(adminPage);

  await postTrip(traveler.page, 'CDG', 'LHR');
  const parcel = await postParcel(sender.page, `Atlas ${t}`, 'Paris, France', 'London, United Kingdom');

  // An empty wallet: the request offers the top-up of the difference, then comes back.
  const card = sender.page.getByTestId('trip-card').filter({ hasText: `Tara ${t}` });
  await expect(sender.page.getByTestId('booking-terms')).toContainText('a 10% service fee (at least 1.00)');
  await card.getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page.getByTestId('form-error')).toContainText('11.00 EUR short');
  await sender.page.getByTestId('top-up-offer').click();
  await expect(sender.page).toHaveURL(/\/wallet\?amount=11\.00&currency=EUR&next=/);
  await expect(sender.page.getByLabel('Amount').first()).toHaveValue('11.00');
  await payWithCard(sender.page);
  await expect(sender.page).toHaveURL(new RegExp(`/parcels/${parcel}\\?topped_up=1`));
  await expect(sender.page.getByText('Money added to your wallet')).toBeVisible();
  await sender.page.getByTestId('trip-card').filter({ hasText: `Tara ${t}` }).getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);
  const bookingUrl = sender.page.url().split('?')[0];
  const booking = bookingUrl.split('/bookings/')[1];
  await expect(sender.page.getByTestId('money-total')).toHaveText('11.00 EUR');
  await expect(sender.page.getByTestId('money-held')).toHaveText('11.00 EUR');

  // The traveler accepts; the sender sees the pickup code (and, as the recipient, the delivery code).
  await open(traveler.page, bookingUrl);
  await traveler.page.getByRole('button', { name: 'Accept at 10.00 EUR' }).click();
  await expect(traveler.page.getByTestId('booking-status')).toHaveText('Accepted');
  await open(traveler.page, '/wallet');
  await expect(traveler.page.getByTestId('balance-EUR').getByTestId('incoming')).toHaveText('10.00 EUR');
  await open(sender.page, bookingUrl);
  const pickup = (await sender.page.getByTestId('pickup-code').innerText()).trim();
  const delivery = (await sender.page.getByTestId('delivery-code').innerText()).trim();
  expect(pickup).toMatch(/^\d{6}$/);
  expect(delivery).toMatch(/^\d{6}$/);
  const tracking = (await sender.page.getByTestId('tracking-no').innerText()).trim();

  await expect(sender.page.getByTestId('handoff').locator('svg')).toHaveCount(2); // the QR codes

  // Pickup: the traveler scans the sender's QR code (its link fills the code in), inspects.
  await open(traveler.page, `${bookingUrl}?pickup=${pickup}`);
  await expect(traveler.page.getByLabel('Pickup code from the sender')).toHaveValue(pickup);
  await traveler.page.getByLabel('The contents match the listing').check();
  await traveler.page.getByLabel('Nothing prohibited is inside').check();
  await traveler.page.getByRole('button', { name: 'Confirm pickup' }).click();
  await expect(traveler.page.getByTestId('booking-status')).toHaveText('Picked up');

  // Three wrong delivery codes lock entry; 15 minutes later the right one works.
  const wrong = delivery === '000000' ? '111111' : '000000';
  for (let i = 0; i < 3; i++) {
    await traveler.page.getByLabel('Delivery code from the recipient').fill(wrong);
    await traveler.page.getByRole('button', { name: 'Confirm delivery' }).click();
    await expect(traveler.page.getByTestId('deliver-error')).toContainText(i < 2 ? 'That code is wrong' : 'locked');
  }
  await expect(traveler.page.getByTestId('code-locked')).toBeVisible();
  await traveler.page.getByLabel('Delivery code from the recipient').fill(delivery);
  await traveler.page.getByRole('button', { name: 'Confirm delivery' }).click();
  await expect(traveler.page.getByTestId('deliver-error')).toContainText('locked until');
  endCodeLock(booking);
  await open(traveler.page, bookingUrl);
  await traveler.page.getByLabel('Delivery code from the recipient').fill(delivery);
  await traveler.page.getByLabel('Photo of the delivered parcel (optional)').setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: PNG });
  await traveler.page.getByRole('button', { name: 'Confirm delivery' }).click();
  await expect(traveler.page.getByTestId('booking-status')).toHaveText('Delivered');

  // The sender confirms: the traveler is paid the price, the platform the fee.
  await open(sender.page, bookingUrl);
  const photo = await sender.page.getByTestId('delivery-photo').getAttribute('href');
  expect((await sender.page.request.get(photo!)).headers()['content-type']).toBe('image/jpeg');
  await sender.page.getByRole('button', { name: 'Confirm receipt' }).click();
  await expect(sender.page.getByTestId('booking-status')).toHaveText('Completed');
  await open(traveler.page, '/wallet');
  await expect(traveler.page.getByTestId('balance-EUR').getByTestId('available')).toHaveText('10.00 EUR');
  await expect(traveler.page.getByTestId('history')).toContainText(`Earned for delivering: Atlas ${t}`);
  expect(await feesNow(adminPage)).toBeGreaterThanOrEqual(feesBefore + 100);

  // The public tracking page tells the story without names or addresses.
  await open(adminPage, `/track?number=${tracking}`);
  const track = adminPage.getByTestId('tracking');
  await expect(track).toContainText('Completed');
  await expect(track).toContainText('Picked up and inspected by the traveler');
  await expect(track).not.toContainText('Baker');
  await expect(track).not.toContainText(`Tara ${t}`);
});


test('a declined card says so; a withdrawal needs an ID check and goes through the payouts queue', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const t = tag();
  const user = await member(browser, testInfo, 'wanda', `Wanda ${t}`);
  const adminPage = await admin(browser, testInfo);
  const page = user.page;

  await topUp(page, '50');
  await expect(page.getByTestId('balance-EUR').getByTestId('available')).toHaveText('50.00 EUR');
  await open(page, '/wallet');
  await page.getByLabel('Amount').first().fill('20');
  await payWithCard(page, '4000 0000 0000 0002');
  await expect(page.getByTestId('form-error')).toContainText('Your card was declined');
  await open(page, '/wallet');
  await expect(page.getByTestId('balance-EUR').getByTestId('available')).toHaveText('50.00 EUR');

  // Withdrawing needs a verified identity.
  await expect(page.getByTestId('verify-first')).toBeVisible();
  await page.getByRole('link', { name: 'Verify my identity' }).click();
  await page.getByLabel(/Photo of your passport/).setInputFiles({ name: 'id.png', mimeType: 'image/png', buffer: PNG });
  await page.getByLabel(/A selfie/).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Send for checking' }).click();
  await expect(page.getByTestId('id-state')).toContainText('waiting for a check');

  await open(adminPage, '/admin');
  await expect(adminPage.getByTestId('admin-queues')).toContainText('ID checks');
  await open(adminPage, '/admin/verifications');
  const item = adminPage.getByTestId('verification-item').filter({ hasText: `Wanda ${t}` });
  await item.getByRole('button', { name: 'Approve' }).click();
  await expect(adminPage.getByText('Decision saved.')).toBeVisible();

  await open(page, '/wallet');
  await page.locator('#withdraw').getByLabel('Amount').fill('20');
  await page.locator('#withdraw').getByLabel('Pay to').selectOption('iban');
  await page.getByLabel('IBAN or mobile number (with country code)').fill('DE89 3704 0044 0532 0130 00');
  await page.getByRole('button', { name: 'Request withdrawal' }).click();
  await expect(page.getByText('Withdrawal requested')).toBeVisible();
  await expect(page.getByTestId('balance-EUR').getByTestId('available')).toHaveText('30.00 EUR');
  await expect(page.getByTestId('withdrawal-status').first()).toHaveText('pending');

  await open(adminPage, '/admin/payouts');
  const payout = adminPage.getByTestId('payout-item').filter({ hasText: `Wanda ${t}` });
  await expect(payout).toContainText('DE89370400440532013000');
  await payout.getByRole('button', { name: 'Mark paid' }).click();
  await expect(adminPage.getByText('Decision saved.')).toBeVisible();

  await open(page, '/wallet');
  await expect(page.getByTestId('withdrawal-status').first()).toHaveText('paid');
  await open(page, await page.getByRole('link', { name: 'Public profile' }).getAttribute('href') ?? '/');
  await expect(page.getByTestId('badge-id')).toHaveText('ID verified');
  await open(page, '/wallet');
  await page.getByTestId('withdrawals').getByRole('link', { name: 'Receipt' }).first().click();
  await expect(page.getByTestId('receipt-status')).toHaveText('paid');
  await expect(page.getByTestId('receipt-amount')).toHaveText('20.00 EUR');
});
