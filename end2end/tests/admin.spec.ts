// The admin console: only admins get in.
import { expect, test } from '@playwright/test';
import { logIn, open, signUp, uniqueEmail } from './helpers';

test('a member who is not an admin gets 403 on /admin', async ({ page }, testInfo) => {
  await signUp(page, uniqueEmail(testInfo, 'notadmin'));
  const res = await open(page, '/admin');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toBeVisible();
});

test('an admin sees the dashboard', async ({ page }) => {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  expect(email, 'the test command creates an admin and passes its credentials').toBeTruthy();
  await logIn(page, email!, password!);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin', exact: true })).toBeVisible();
  const res = await open(page, '/admin');
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId('admin-stats')).toContainText('Members');
});
