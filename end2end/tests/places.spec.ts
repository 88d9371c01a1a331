// Places: suggestions as you type, and plain codes without JavaScript.
import { expect, test } from '@playwright/test';
import { jsEnabled, member, open, postTrip } from './helpers';

test('place inputs suggest as you type, and take a plain code without JavaScript', async ({ browser }, testInfo) => {
  const m = await member(browser, testInfo, 'places', 'Pia Places');
  await open(m.page, '/trips/new');
  if (jsEnabled(testInfo)) {
    await m.page.getByLabel('From', { exact: true }).pressSequentially('par');
    const options = m.page.getByTestId('suggestions-origin').locator('option');
    await expect(options.first()).toHaveAttribute('value', 'Paris, France');
    await m.page.getByLabel('To', { exact: true }).pressSequentially('CDG');
    await expect(m.page.getByTestId('suggestions-destination').locator('option').first()).toHaveAttribute('value', /Charles de Gaulle/);
  } else {
    // Without JavaScript there are no suggestions: the server resolves what was typed.
    await expect(m.page.getByTestId('suggestions-origin').locator('option')).toHaveCount(0);
  }
  await postTrip(m.page, 'cdg', 'nairobi', 20);
  await expect(m.page.getByRole('heading', { level: 1 })).toHaveText(/Charles de Gaulle.*→ Nairobi, Kenya/);
});
