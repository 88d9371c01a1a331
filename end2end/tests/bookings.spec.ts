// Bookings: request, counter and accept; pay, hand over with codes, complete.
import { expect, test } from '@playwright/test';
import { admin, endCodeLock, feesNow, member, open, openMenu, payWithCard, PNG, postParcel, postTrip, tag, topUp } from './helpers';

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

test('a booking is paid from the wallet, handed over with codes, and pays the traveler', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'traveler', `Tara ${t}`);
  const sender = await member(browser, testInfo, 'sender', `Sam ${t}`);
  const adminPage = await admin(browser, testInfo);
  const feesBefore = await feesNow(adminPage);

  await postTrip(traveler.page, 'MAD', 'BCN');
  const parcel = await postParcel(sender.page, `Atlas ${t}`, 'MAD', 'BCN');

  // An empty wallet: the request offers the top-up of the difference, then comes back.
  const card = sender.page.getByTestId('trip-card').filter({ hasText: `Tara ${t}` });
  await expect(sender.page.getByTestId('booking-terms')).toContainText('a 10% service fee (at least 1.00 EUR');
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
  await traveler.page.getByTestId('history-item').filter({ hasText: 'Earned for delivering' })
    .getByRole('link', { name: 'Receipt' }).click();
  await expect(traveler.page.getByTestId('receipt')).toContainText('Released to the traveler receipt');
  await expect(traveler.page.getByTestId('receipt')).toContainText('Service fee1.00 EUR');
  await expect(traveler.page.getByTestId('receipt-amount')).toHaveText('10.00 EUR');
  expect(await feesNow(adminPage)).toBeGreaterThanOrEqual(feesBefore + 100);

  // The public tracking page tells the story without names or addresses.
  await open(adminPage, `/track?number=${tracking}`);
  const track = adminPage.getByTestId('tracking');
  await expect(track).toContainText('Completed');
  await expect(track).toContainText('Picked up and inspected by the traveler');
  await expect(track).not.toContainText('Baker');
  await expect(track).not.toContainText(`Tara ${t}`);

  // Both sides review each other; neither sees the other's review before writing their own.
  await open(sender.page, bookingUrl);
  const form = sender.page.getByTestId('review-form');
  await form.getByLabel('Stars').selectOption('5');
  await form.getByLabel('Comment (optional)').fill(`Great traveler ${t}`);
  await form.getByRole('button', { name: 'Publish review' }).click();
  await expect(sender.page.getByTestId('my-review')).toContainText(`Great traveler ${t}`);
  await open(traveler.page, bookingUrl);
  await expect(traveler.page.getByTestId('their-review-waiting')).toBeVisible();
  await expect(traveler.page.getByText(`Great traveler ${t}`)).toHaveCount(0);
  await traveler.page.getByTestId('review-form').getByLabel('Stars').selectOption('4');
  await traveler.page.getByTestId('review-form').getByRole('button', { name: 'Publish review' }).click();
  await expect(traveler.page.getByTestId('their-review')).toContainText(`Great traveler ${t}`);
  await open(sender.page, bookingUrl);
  await expect(sender.page.getByTestId('their-review')).toContainText('4 out of 5');
  // They appear on the public profiles, with the record.
  await openMenu(traveler.page);
  const profile = await traveler.page.getByRole('link', { name: 'Public profile' }).getAttribute('href');
  await open(adminPage, profile!);
  const asTraveler = adminPage.getByTestId('as-traveler');
  await expect(asTraveler.getByTestId('record')).toContainText('★ 5.0 from 1 review · 1 completed · 100% on time');
  await expect(asTraveler.getByTestId('review')).toContainText(`Great traveler ${t}`);
});

test('a parcel for someone reachable only by phone: the sender forwards the delivery code and its tracking link', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'traveler', `Tara ${t}`);
  const sender = await member(browser, testInfo, 'sender', `Sam ${t}`);
  await postTrip(traveler.page, 'LYS', 'MAN');
  await topUp(sender.page, '20');
  await postParcel(sender.page, `Scarf ${t}`, 'LYS', 'MAN', {
    recipient: { name: 'Grandma Jo', phone: '+44 20 7946 0000' },
  });
  await sender.page.getByTestId('trip-card').filter({ hasText: `Tara ${t}` }).getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);
  const bookingUrl = sender.page.url().split('?')[0];
  await open(traveler.page, bookingUrl);
  await traveler.page.getByRole('button', { name: 'Accept at 10.00 EUR' }).click();
  await expect(traveler.page.getByTestId('booking-status')).toHaveText('Accepted');
  await expect(traveler.page.getByTestId('delivery-code')).toHaveCount(0);

  // No email could carry the code: the sender has it, ready to send by text message.
  await open(sender.page, bookingUrl);
  const code = (await sender.page.getByTestId('delivery-code').innerText()).trim();
  expect(code).toMatch(/^\d{6}$/);
  const forward = sender.page.getByTestId('recipient-forward');
  await expect(forward).toBeVisible();
  await expect(sender.page.getByTestId('handoff')).toContainText('Delivery code for Grandma Jo');
  const message = await forward.getByTestId('forward-message').innerText();
  expect(message).toContain(code);
  const sms = await forward.getByTestId('forward-sms').getAttribute('href');
  expect(sms).toMatch(/^sms:\+442079460000\?body=/);
  expect(decodeURIComponent(sms!.split('body=')[1])).toBe(message);
  await expect(forward.getByTestId('forward-email')).toHaveCount(0);

  // The link in the message opens the tracking page, which the recipient can use.
  const link = message.split(' ').find((w) => w.includes('/track?number='))!;
  await open(sender.page, link.replace(/^https?:\/\/[^/]+/, ''));
  await expect(sender.page.getByTestId('tracking')).toContainText('Booked with a traveler');
});
