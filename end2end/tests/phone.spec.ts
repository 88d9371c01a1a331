// A phone at 375 px with a touch screen: a compact header with a menu, every control big enough
// to tap, short match lists, the signed-in home, receipts for every payment, local times.
import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { jsEnabled, logIn, member, open, openMenu, postParcel, postTrip, tag, topUp } from './helpers';

const PHONE = { viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true };

/** Every visible control smaller than 44 × 44 px. Exempt, as WCAG 2.5.5 allows: a link inside a
 * sentence. A label is measured when it holds a checkbox or radio (the tap target); a caption
 * label is not (its field is measured). */
async function smallTargets(page: Page): Promise<string[]> {
  const { small, measured } = await page.evaluate(() => {
    const small: string[] = [];
    let measured = 0;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('a, button, summary, select, textarea, input, label'))) {
      if (el instanceof HTMLInputElement && ['hidden', 'checkbox', 'radio'].includes(el.type)) continue;
      if (el.tagName === 'LABEL' && !el.querySelector('input[type=checkbox], input[type=radio]')) continue;
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width <= 1 && r.height <= 1) continue; // for screen readers only
      if (el.tagName === 'A') {
        const p = el.closest('p');
        const inSentence = p && Array.from(p.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
        if (inSentence) continue;
      }
      measured += 1;
      if (r.width < 43.5 || r.height < 43.5) {
        const name = (el.getAttribute('aria-label') || el.textContent || (el as HTMLInputElement).name || '').trim().slice(0, 40);
        small.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return { small, measured };
  });
  expect(measured, 'controls measured').toBeGreaterThan(3);
  return small;
}

async function checkPages(page: Page, paths: string[]) {
  for (const path of paths) {
    await open(page, path);
    expect(await smallTargets(page), `controls under 44 × 44 px on ${path}`).toEqual([]);
  }
}

/** From the parcel's page, requests the trip of `traveler`. */
async function requestTrip(page: Page, parcel: string, traveler: string) {
  await open(page, `/parcels/${parcel}`);
  await page.getByTestId('trip-card').filter({ hasText: traveler })
    .getByRole('button', { name: 'Request this trip' }).click();
  await expect(page).toHaveURL(/\/bookings\/[0-9a-f-]+\?sent=1/);
}

async function phoneMember(browser: Browser, testInfo: TestInfo, who: string, name: string) {
  return member(browser, testInfo, who, name, undefined, PHONE);
}

test('at 375 px the header is one row with a menu, and every control is big enough to tap', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const t = tag();
  const visitor = await browser.newPage({ ...PHONE, javaScriptEnabled: jsEnabled(testInfo) });
  await checkPages(visitor, ['/', '/login', '/signup', '/forgot-password', '/track', '/about', '/search/trips', '/search/parcels']);

  const traveler = await phoneMember(browser, testInfo, 'tap-traveler', `Tapio ${t}`);
  const sender = await phoneMember(browser, testInfo, 'tap-sender', `Tess ${t}`);
  await postTrip(traveler.page, 'DUB', 'EDI');
  const parcel = await postParcel(sender.page, `Tap test ${t}`, 'DUB', 'EDI');

  // The header: one row, the messages and the bell at hand, the rest in the menu.
  const header = sender.page.locator('header').first();
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(64);
  await expect(sender.page.getByTestId('bell')).toBeVisible();
  await expect(sender.page.getByTestId('nav-messages')).toBeVisible();
  const nav = sender.page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'My parcels', exact: true })).toBeHidden();
  await openMenu(sender.page);
  for (const name of ['Find trips', 'Find parcels', 'Bookings', 'Wallet', 'My trips', 'My parcels', 'Account', 'Public profile']) {
    await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
  }
  expect(await smallTargets(sender.page), 'the open menu').toEqual([]);
  await nav.getByRole('link', { name: 'My parcels', exact: true }).click();
  await expect(sender.page).toHaveURL(/\/parcels$/);
  await expect(nav.getByRole('link', { name: 'My parcels', exact: true })).toBeHidden();

  // The parcel page lists the matching trip: its score and two reasons, the rest on demand.
  await open(sender.page, `/parcels/${parcel}`);
  const reason = sender.page.getByTestId('trip-card').filter({ hasText: `Tapio ${t}` }).getByTestId('match-reason');
  await expect(reason).toContainText(/Match \d+\/100 — /);
  await expect(reason.locator('details')).not.toHaveAttribute('open', '');
  await expect(reason.getByRole('listitem').first()).toBeHidden();
  await reason.locator('summary').click();
  await expect(reason.getByRole('listitem').first()).toBeVisible();

  await checkPages(sender.page, [
    '/', `/parcels/${parcel}`, '/parcels/new', '/trips/new', '/parcels', '/trips', '/bookings', '/wallet',
    '/account', '/account/sessions', '/messages', '/notifications', '/alerts',
    '/search/trips?from=Paris%2C+France&to=London%2C+United+Kingdom',
  ]);
});

test('the signed-in home shows what is next and what waits for an answer', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'home-traveler', `Hugo ${t}`);
  const sender = await member(browser, testInfo, 'home-sender', `Hana ${t}`);
  await open(sender.page, '/');
  await expect(sender.page.getByTestId('member-home')).toContainText(`Welcome back, Hana ${t}`);
  await expect(sender.page.getByText('Create a free account')).toHaveCount(0);
  await expect(sender.page.getByRole('link', { name: 'Send a parcel' })).toBeVisible();
  await expect(sender.page.getByRole('link', { name: 'Post a trip' })).toBeVisible();

  await postTrip(traveler.page, 'CPH', 'ARN');
  await topUp(sender.page, '50');
  const parcel = await postParcel(sender.page, `Home test ${t}`, 'CPH', 'ARN');
  await requestTrip(sender.page, parcel, `Hugo ${t}`);

  await open(sender.page, '/');
  await expect(sender.page.getByTestId('next-parcel')).toContainText(`Home test ${t}`);
  await expect(sender.page.getByTestId('waiting')).toHaveCount(0);
  await open(traveler.page, '/');
  await expect(traveler.page.getByTestId('next-trip')).toContainText('Stockholm');
  const waiting = traveler.page.getByTestId('waiting').getByTestId('booking-row');
  await expect(waiting).toContainText(`Home test ${t}`);
  await expect(waiting).toContainText('Your answer');
  await waiting.getByRole('link').click();
  await expect(traveler.page).toHaveURL(/\/bookings\/[0-9a-f-]+$/);
});

test('every payment has a receipt, with times in the member’s own zone', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const t = tag();
  const tokyo = { timezoneId: 'Asia/Tokyo' };
  const traveler = await member(browser, testInfo, 'rcpt-traveler', `Rhea ${t}`);
  const sender = await member(browser, testInfo, 'rcpt-sender', `Remy ${t}`, undefined, tokyo);
  if (!jsEnabled(testInfo)) {
    // Without JavaScript the page cannot ask the browser: the zone an earlier visit with
    // JavaScript reported, remembered on the account, is used.
    const js = await browser.newContext({ ...tokyo, javaScriptEnabled: true, baseURL: testInfo.project.use.baseURL });
    const page = await js.newPage();
    await logIn(page, sender.email);
    await expect(page.getByTestId('nav-user')).toBeVisible();
    await expect.poll(async () => {
      // Server functions answer in postcard: the zone's name is in it as written.
      const me = await page.request.post('/api/auth/me', { headers: { origin: testInfo.project.use.baseURL! } });
      return (await me.body()).toString('latin1').includes('Asia/Tokyo');
    }, { timeout: 45_000 }).toBe(true);
    await js.close();
  }
  await postTrip(traveler.page, 'OSL', 'HEL');
  await topUp(sender.page, '50');
  const parcel = await postParcel(sender.page, `Receipt test ${t}`, 'OSL', 'HEL');
  await requestTrip(sender.page, parcel, `Rhea ${t}`);

  await open(sender.page, '/wallet');
  const row = sender.page.getByTestId('history-item').filter({ hasText: 'Paid into escrow' });
  await expect(row).toContainText('JST');
  await row.getByRole('link', { name: 'Receipt' }).click();
  const receipt = sender.page.getByTestId('receipt');
  await expect(receipt).toContainText('Paid into escrow receipt');
  await expect(receipt).toContainText(`Receipt test ${t}`);
  await expect(receipt).toContainText(`Remy ${t}`);
  await expect(receipt).toContainText(`Rhea ${t}`);
  await expect(receipt).toContainText('Price for carrying10.00 EUR');
  await expect(receipt).toContainText('Service fee1.00 EUR');
  await expect(receipt).toContainText('JST');
  await expect(sender.page.getByTestId('receipt-amount')).toHaveText('11.00 EUR');
  await expect(sender.page.getByTestId('receipt-issuer')).toContainText('Carry marketplace');

  // Someone else's receipt is not found.
  const url = sender.page.url();
  const res = await open(traveler.page, new URL(url).pathname);
  expect(res?.status()).toBe(404);
});

test('after a search on a phone the results come first, the form folded into one line', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const t = tag();
  const traveler = await phoneMember(browser, testInfo, 'fold-traveler', `Fola ${t}`);
  await postTrip(traveler.page, 'ATH', 'WAW');
  const visitor = await browser.newPage({ ...PHONE, javaScriptEnabled: jsEnabled(testInfo) });
  await open(visitor, '/search/trips?from=ATH&to=WAW');
  const summary = visitor.getByTestId('search-summary');
  await expect(summary).toContainText('ATH → WAW');
  await expect(summary).toContainText('Change search');
  await expect(visitor.getByLabel('From', { exact: true })).toBeHidden();

  // The first result is on the first screen, its date and price easy to compare.
  const card = visitor.getByTestId('trip-card').filter({ hasText: `Fola ${t}` });
  const box = (await card.boundingBox())!;
  expect(box.y + 120, 'the first result starts on the first screen').toBeLessThan(PHONE.viewport.height);
  await expect(card.getByTestId('trip-price')).toHaveText('5.00 EUR');
  await expect(card.getByTestId('trip-date')).toBeVisible();
  await expect(card).toContainText('New member');
  const size = async (sel: string) => card.locator(sel).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(await size('[data-testid="trip-price"]')).toBeGreaterThan(await size('a'));

  // "Change search" opens the form with what was asked.
  await summary.locator('summary').first().click();
  await expect(visitor.getByLabel('From', { exact: true })).toHaveValue('ATH');
  await expect(visitor.getByLabel('To', { exact: true })).toHaveValue('WAW');
});
