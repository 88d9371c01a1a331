// Chat, notifications and route alerts, across two server instances on one database: the sender
// uses instance A (the default base), the traveler instance B.
import { expect, test } from '@playwright/test';
import { BASE_B, jsEnabled, member, open, postParcel, postTrip, sentEmails, tag, topUp } from './helpers';

test('a question from the match list is answered live across instances; contact details show once booked', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const t = tag();
  const live = jsEnabled(testInfo);
  const traveler = await member(browser, testInfo, 'chat-traveler', `Tara ${t}`, BASE_B);
  const sender = await member(browser, testInfo, 'chat-sender', `Sam ${t}`);
  await postTrip(traveler.page, 'FCO', 'MXP');
  await topUp(sender.page, '50');
  await postParcel(sender.page, `Scarves ${t}`, 'FCO', 'MXP');

  // The sender asks the traveler a question from the parcel's match list.
  const card = sender.page.getByTestId('trip-card').filter({ hasText: `Tara ${t}` });
  await card.getByRole('button', { name: 'Ask a question' }).click();
  await expect(sender.page).toHaveURL(/\/messages\/[0-9a-f-]+$/);
  const conversation = new URL(sender.page.url()).pathname;
  await expect(sender.page.getByTestId('conversation-with')).toHaveText(`Tara ${t}`);
  // Characters a form body must encode arrive as typed.
  const text = `Hello! Can you take 2 kg? Call me on +44 20 7946 0958. p&w=1+2 %3 é'"<x>`;
  await sender.page.getByLabel('Your message').fill(text);
  const posted = sender.page.waitForRequest((r) => r.url().endsWith('/api/chat/send') && r.method() === 'POST');
  await sender.page.getByRole('button', { name: 'Send', exact: true }).click();
  const request = await posted;
  // The conversation is an island: with JavaScript it sends the form's fields itself (the body a
  // plain post would have) and reads the answer in postcard, and the page stays.
  expect(request.resourceType()).toBe(live ? 'fetch' : 'document');
  expect(request.headers()['content-type']).toContain('application/x-www-form-urlencoded');
  expect(new URLSearchParams(request.postData() ?? '').get('body')).toBe(text);
  if (live) {
    expect(request.headers()['accept']).toBe('application/x-postcard');
    expect((await request.response())!.headers()['content-type']).toBe('application/x-postcard');
  }
  const mine = sender.page.getByTestId('message').filter({ hasText: 'Can you take 2 kg?' });
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId('message-body')).toContainText(`p&w=1+2 %3 é'"<x>`);

  // On instance B the traveler sees it, unread, with the number hidden.
  await open(traveler.page, '/messages');
  const row = traveler.page.getByTestId('conversation-row').filter({ hasText: `Sam ${t}` });
  await expect(row.getByTestId('unread')).toHaveText('1');
  await row.click();
  await expect(traveler.page.getByTestId('masking-note')).toBeVisible();
  const theirs = traveler.page.getByTestId('message').filter({ hasText: 'Can you take 2 kg?' });
  await expect(theirs).toContainText('[hidden until booked]');
  await expect(theirs).not.toContainText('7946');

  // The sender, still on the page, sees "Seen" and the reply without reloading (hydrated).
  if (!live) await open(sender.page, conversation);
  await expect(mine.getByTestId('seen')).toContainText('Seen');
  await traveler.page.getByLabel('Your message').fill('Yes, happy to. See you at CDG.');
  await traveler.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(traveler.page.getByTestId('message').filter({ hasText: 'See you at CDG' })).toHaveCount(1);
  if (!live) await open(sender.page, conversation);
  await expect(sender.page.getByTestId('message').filter({ hasText: 'See you at CDG' })).toHaveCount(1);
  // Exactly once, whatever the live updates did.
  await expect(sender.page.getByTestId('message')).toHaveCount(2);
  // The page's title still names the other member after the live updates redrew the thread.
  await expect(sender.page).toHaveTitle(`Messages with Tara ${t} · Carry`);

  // Once a booking between them is accepted, the number shows, and the chat continues on the
  // booking's page.
  await open(sender.page, '/parcels');
  await sender.page.getByRole('link', { name: `Scarves ${t}` }).click();
  await sender.page.getByTestId('trip-card').filter({ hasText: `Tara ${t}` }).getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);
  const booking = new URL(sender.page.url()).pathname;
  await open(traveler.page, booking);
  await traveler.page.getByRole('button', { name: 'Accept at 10.00 EUR' }).click();
  await expect(traveler.page.getByTestId('booking-status')).toHaveText('Accepted');
  const chat = traveler.page.getByTestId('booking-chat');
  await expect(chat.getByTestId('message').filter({ hasText: 'Can you take 2 kg?' })).toContainText('+44 20 7946 0958');
  await expect(chat.getByTestId('masking-note')).toHaveCount(0);
});

test('the bell rings live on the other instance, and each notification email is sent once', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'bell-traveler', `Tia ${t}`, BASE_B);
  const sender = await member(browser, testInfo, 'bell-sender', `Sid ${t}`);
  await postTrip(traveler.page, 'AMS', 'BRU');
  await topUp(sender.page, '50');
  await postParcel(sender.page, `Atlas ${t}`, 'AMS', 'BRU');

  await open(traveler.page, '/trips');
  await expect(traveler.page.getByTestId('bell')).toBeVisible();
  await expect(traveler.page.getByTestId('unread-notifications')).toHaveCount(0);

  await sender.page.getByTestId('trip-card').filter({ hasText: `Tia ${t}` }).getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);

  if (!jsEnabled(testInfo)) await open(traveler.page, '/trips');
  await expect(traveler.page.getByTestId('unread-notifications')).toHaveText('1');
  await traveler.page.getByTestId('bell').click();
  const note = traveler.page.getByTestId('notification').filter({ hasText: 'New booking request' });
  await expect(note).toHaveAttribute('data-read', 'false');
  await traveler.page.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(note).toHaveAttribute('data-read', 'true');
  await expect(traveler.page.getByTestId('unread-notifications')).toHaveCount(0);

  // Both instances run an email sender; the request's email went out exactly once.
  await expect.poll(async () => (await sentEmails()).filter((m) => m.to === traveler.email && m.subject === 'New booking request').length, { timeout: 20_000 }).toBe(1);
  await new Promise((r) => setTimeout(r, 3_000));
  expect((await sentEmails()).filter((m) => m.to === traveler.email && m.subject === 'New booking request')).toHaveLength(1);
});

test('switching an email off stops it; the notification still arrives', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'pref-traveler', `Tom ${t}`);
  const sender = await member(browser, testInfo, 'pref-sender', `Sue ${t}`);
  await open(traveler.page, '/account/notifications');
  await traveler.page.getByLabel('Booking requests and offers').uncheck();
  await traveler.page.getByRole('button', { name: 'Save' }).click();
  await expect(traveler.page.getByText('Your email settings are saved.')).toBeVisible();
  await expect(traveler.page.getByLabel('Booking requests and offers')).not.toBeChecked();
  await expect(traveler.page.getByLabel('Accepted bookings')).toBeChecked();

  await postTrip(traveler.page, 'VIE', 'PRG');
  await topUp(sender.page, '50');
  await postParcel(sender.page, `Lamp ${t}`, 'VIE', 'PRG');
  await sender.page.getByTestId('trip-card').filter({ hasText: `Tom ${t}` }).getByRole('button', { name: 'Request this trip' }).click();
  await expect(sender.page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);

  await open(traveler.page, '/notifications');
  await expect(traveler.page.getByTestId('notification').filter({ hasText: 'New booking request' })).toHaveCount(1);
  await open(traveler.page, `/dev/outbox?to=${encodeURIComponent(traveler.email)}`);
  await expect(traveler.page.locator('[data-testid="email"][data-kind="notify.booking.requested"]')).toHaveCount(0);
});

test('an alert saved from a search fires when a matching trip is posted', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const t = tag();
  const sender = await member(browser, testInfo, 'alert-sender', `Ali ${t}`);
  const traveler = await member(browser, testInfo, 'alert-traveler', `Tess ${t}`, BASE_B);
  await open(sender.page, '/search/trips?from=Paris%2C%20France&to=London%2C%20United%20Kingdom');
  await sender.page.getByRole('button', { name: 'Alert me about new trips on this route' }).click();
  await expect(sender.page).toHaveURL(/\/alerts\?saved=1/);
  const alert = sender.page.getByTestId('alert').first();
  await expect(alert).toContainText('Trips Paris, France → London, United Kingdom');

  await postTrip(traveler.page, 'CDG', 'LHR');
  // The job queue looks at the alerts within a second or two.
  await expect.poll(async () => {
    await open(sender.page, '/notifications');
    return sender.page.getByTestId('notification').filter({ hasText: 'A new trip for your alert' }).count();
  }, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  await sender.page.getByTestId('notification').filter({ hasText: 'A new trip for your alert' }).first().getByRole('link').click();
  await expect(sender.page).toHaveURL(/\/trips\/[0-9a-f-]+/);

  // Paused, then deleted.
  await open(sender.page, '/alerts');
  await sender.page.getByTestId('alert').first().getByRole('button', { name: 'Pause' }).click();
  await expect(sender.page.getByTestId('alert').first()).toContainText('Paused');
  await sender.page.getByTestId('alert').first().getByRole('button', { name: 'Delete' }).click();
  await expect(sender.page.getByTestId('no-alerts')).toBeVisible();
});
