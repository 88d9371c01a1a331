// Reports and moderation: a member reports a listing, an admin removes it and the owner reads
// why; a suspended member's session ends at once and they cannot log in until it is over.
import { expect, test } from '@playwright/test';
import { admin, logIn, member, open, postParcel, tag } from './helpers';

test('a reported parcel is removed by an admin and its sender is told why', async ({ browser }, testInfo) => {
  const title = `Suspicious box ${tag()}`;
  const sender = await member(browser, testInfo, 'mod-sender', 'Sid');
  const id = await postParcel(sender.page, title, 'Paris, France', 'LHR');

  const reporter = await member(browser, testInfo, 'mod-reporter', 'Rita');
  await open(reporter.page, `/parcels/${id}`);
  await reporter.page.getByText('Report this parcel').click();
  await reporter.page.getByLabel('Reason').selectOption('fraud');
  await reporter.page.getByLabel('What happened (optional)').fill('Asks to be paid in cash <b>now</b>.');
  await reporter.page.getByRole('button', { name: 'Send the report' }).click();
  await expect(reporter.page.getByText('Thank you: an admin will look at your report.')).toBeVisible();

  const page = await admin(browser, testInfo);
  await open(page, '/admin/reports');
  const item = page.getByTestId('listing-report').filter({ hasText: title });
  await expect(item).toContainText('Fraud or a scam');
  await expect(item).toContainText('Asks to be paid in cash <b>now</b>.');
  await expect(item.getByTestId('member-standing')).toHaveText('Active');
  await item.getByLabel('Action').selectOption('remove_listing');
  await item.getByLabel(/^Reason/).fill('Payment outside Carry is not allowed.');
  await item.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('Report handled.')).toBeVisible();
  await expect(page.getByTestId('listing-report').filter({ hasText: title })).toHaveCount(0);

  await open(sender.page, '/notifications');
  await expect(sender.page.getByText('Your listing was removed')).toBeVisible();
  await expect(sender.page.getByText(/Payment outside Carry is not allowed\./)).toBeVisible();
  await open(sender.page, `/parcels/${id}`);
  await expect(sender.page.getByText('Cancelled', { exact: true }).first()).toBeVisible();
});

test('a suspended member is logged out at once and cannot log in', async ({ browser }, testInfo) => {
  const m = await member(browser, testInfo, 'mod-suspended', `Sue ${tag()}`);
  await open(m.page, '/account');
  await expect(m.page.getByTestId('nav-user')).toBeVisible();

  const page = await admin(browser, testInfo);
  await open(page, `/admin/users?q=${encodeURIComponent(m.email)}`);
  await page.getByTestId('member-row').getByRole('link', { name: m.name }).click();
  await expect(page.getByTestId('member')).toContainText(m.email);
  await expect(page.getByTestId('sessions')).toBeVisible();
  const form = page.getByTestId('moderate');
  await form.getByLabel('Action').selectOption('suspend');
  await form.getByLabel('Days (suspension)').fill('2');
  await form.getByLabel(/^Reason/).fill('Spam in messages.');
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('Decision applied; the member was told why.')).toBeVisible();
  await expect(page.getByTestId('standing')).toContainText('Suspended until');
  await expect(page.getByTestId('no-sessions')).toBeVisible();
  await expect(page.getByTestId('history')).toContainText('Spam in messages.');

  // The member's open page: the next page they load is a visitor's.
  await open(m.page, '/account');
  await expect(m.page.getByTestId('nav-user')).toHaveCount(0);
  await logIn(m.page, m.email);
  await expect(m.page.getByText(/This account is suspended until/)).toBeVisible();
});

test('the admin dashboard draws its charts without JavaScript and switches to 90 days', async ({ browser }, testInfo) => {
  const page = await admin(browser, testInfo);
  await open(page, '/admin');
  const charts = page.getByTestId('charts');
  for (const title of ['Sign-ups', 'New listings (trips and parcels)', 'Bookings requested', 'Bookings completed',
    'Booked value (EUR)', 'Fees earned (EUR)', 'Escrow held (EUR)']) {
    await expect(charts.getByTestId('chart').filter({ hasText: title })).toHaveCount(1);
  }
  const signups = charts.getByTestId('chart').filter({ hasText: 'Sign-ups' });
  await expect(signups.locator('svg[role=img] polyline')).toHaveCount(1);
  await expect(signups.locator('svg[role=img]')).toHaveAttribute('aria-label', /Sign-ups over the last 30 days: \d+ in total/);
  await expect(signups.locator('tbody tr')).toHaveCount(30);
  await expect(page.getByTestId('funnel')).toContainText('Requested');
  await page.getByRole('link', { name: 'Last 90 days' }).click();
  await expect(page).toHaveURL(/\/admin\?days=90/);
  await expect(page.getByTestId('charts').getByTestId('chart').filter({ hasText: 'Sign-ups' }).locator('tbody tr')).toHaveCount(90);
});
