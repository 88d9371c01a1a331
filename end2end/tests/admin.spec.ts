// The admin console: only admins get in; what needs attention is listed and acted on.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { admin, logIn, open, openMenu, signUp, uniqueEmail } from './helpers';

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
  await openMenu(page);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin', exact: true })).toBeVisible();
  const res = await open(page, '/admin');
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId('admin-stats')).toContainText('Members');
});

test('a job that failed for good is listed for admins and retried from the page', async ({ browser }, testInfo) => {
  const page = await admin(browser, testInfo);
  const marker = randomUUID();
  // A completion that failed every attempt (for a booking that does not exist).
  execFileSync('psql', [process.env.E2E_DATABASE_URL!, '-qc',
    `INSERT INTO jobs (kind, payload, attempts, last_error, failed_at)
     VALUES ('booking.complete', '{"booking": "${marker}"}', 10, 'the test made it fail', now())`]);
  await open(page, '/admin');
  await page.getByTestId('admin-queues').getByRole('link', { name: /Failed jobs/ }).click();
  await expect(page).toHaveURL(/\/admin\/attention/);
  const job = page.getByTestId('failed-job').filter({ hasText: marker });
  await expect(job).toContainText('Complete a delivered booking');
  await expect(job).toContainText('the test made it fail');
  await job.getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByText('The job is queued again.')).toBeVisible();
  await expect(page.getByTestId('failed-job').filter({ hasText: marker })).toHaveCount(0);
});

test('an email that failed every attempt is shown to admins without its body and sent again', async ({ browser }, testInfo) => {
  const page = await admin(browser, testInfo);
  const to = `bounce-${randomUUID()}@example.com`;
  execFileSync('psql', [process.env.E2E_DATABASE_URL!, '-qc',
    `INSERT INTO email_outbox (to_email, subject, body_text, kind, attempts, last_error)
     VALUES ('${to}', 'Reset your password', 'secret-link-${to}', 'reset_password', 10, 'mailbox full')`]);
  await open(page, `/admin/emails?to=${encodeURIComponent(to)}`);
  const email = page.getByTestId('admin-email');
  await expect(email).toHaveCount(1);
  await expect(email.getByTestId('email-status')).toContainText('Failed');
  await expect(email).toContainText('mailbox full');
  await expect(page.getByText(`secret-link-${to}`)).toHaveCount(0);
  await email.getByRole('button', { name: 'Send again' }).click();
  await expect(page.getByText('The email is queued again.')).toBeVisible();
  // The list is no longer filtered: find the same email by its address.
  await expect(page.locator(`[data-testid=admin-email][data-to="${to}"]`).getByTestId('email-status')).toHaveText(/Waiting|Sent|Retrying/);
});

test('an admin changes a setting; it is saved, shown and audited', async ({ browser }, testInfo) => {
  const page = await admin(browser, testInfo);
  await open(page, '/admin/settings');
  const row = page.locator('[data-testid=setting][data-key="fx.INR"]');
  const input = row.getByRole('spinbutton');
  const before = await input.inputValue();
  const changed = String(Number(before) + 1);
  await input.fill(changed);
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Setting saved.')).toBeVisible();
  await expect(page.locator('[data-testid=setting][data-key="fx.INR"]').getByRole('spinbutton')).toHaveValue(changed);
  await open(page, '/admin/audit?action=settings.&subject=setting%3Afx.INR');
  await expect(page.getByTestId('audit-entry').first()).toContainText(changed);
  // Put it back.
  await open(page, '/admin/settings');
  const again = page.locator('[data-testid=setting][data-key="fx.INR"]');
  await again.getByRole('spinbutton').fill(before);
  await again.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Setting saved.')).toBeVisible();
});

test('an admin adds a prohibited keyword and removes it again', async ({ browser }, testInfo) => {
  const page = await admin(browser, testInfo);
  const word = `contraband${Math.random().toString(36).slice(2, 7)}`;
  await open(page, '/admin/settings');
  await page.getByLabel('New keyword').fill(word.toUpperCase());
  await page.getByRole('button', { name: 'Add', exact: true }).first().click();
  await expect(page.getByText('Setting saved.')).toBeVisible();
  const item = page.getByTestId('keyword').filter({ hasText: word });
  await expect(item).toHaveCount(1);
  await item.getByRole('button', { name: `Remove ${word}` }).click();
  await expect(page.getByTestId('keyword').filter({ hasText: word })).toHaveCount(0);
  await open(page, `/admin/audit?action=settings.keyword&subject=keyword%3A${word}`);
  await expect(page.getByTestId('audit-entry')).toHaveCount(2);
});
