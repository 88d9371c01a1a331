// Trips: the form explains every problem and keeps what was typed.
import { expect, test } from '@playwright/test';
import { member, open } from './helpers';

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
