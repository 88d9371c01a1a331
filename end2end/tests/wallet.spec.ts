// Wallet: a declined card, and a withdrawal through the ID check and the payouts queue.
import { expect, test } from '@playwright/test';
import { admin, member, open, payWithCard, PNG, tag, topUp, openMenu } from './helpers';

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
  await expect(adminPage.getByTestId('payout-decided').filter({ hasText: `Wanda ${t}` })).toContainText('Paid');

  await open(page, '/wallet');
  await expect(page.getByTestId('withdrawal-status').first()).toHaveText('paid');
  await openMenu(page);
  await open(page, await page.getByRole('link', { name: 'Public profile' }).getAttribute('href') ?? '/');
  await expect(page.getByTestId('badge-id')).toHaveText('ID verified');
  await open(page, '/wallet');
  await page.getByTestId('withdrawals').getByRole('link', { name: 'Receipt' }).first().click();
  await expect(page.getByTestId('receipt-status')).toHaveText('paid');
  await expect(page.getByTestId('receipt-amount')).toHaveText('20.00 EUR');
});
