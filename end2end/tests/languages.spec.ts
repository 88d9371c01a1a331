import { Browser, expect, test, TestInfo } from '@playwright/test';
import { PASSWORD, jsEnabled, logIn, member, open, postParcel, tag } from './helpers';

/** Another browser, without the first one's cookies. */
async function anotherBrowser(browser: Browser, testInfo: TestInfo) {
  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo), baseURL: testInfo.project.use.baseURL });
  return { context, page: await context.newPage() };
}

// Every spec runs hydrated and without JavaScript; the switch is a plain form, so both work.

test('switch to French in the footer: the home page, a money amount and a form error in French, remembered on the account', async ({ browser }, testInfo) => {
  const { page, email, name } = await member(browser, testInfo, 'fr', 'Camille');
  await open(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByTestId('language-switch').getByRole('button', { name: 'Français' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Bon retour, ${name}`);
  await expect(page.getByRole('link', { name: 'Envoyer un colis' }).first()).toBeVisible();
  await expect(page.getByTestId('language-switch').getByRole('button', { name: 'Français' })).toHaveAttribute('aria-current', 'true');

  // Money typed and shown the French way: a decimal comma, the symbol after the amount.
  await open(page, '/wallet');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Portefeuille');
  await page.getByLabel('Montant').first().fill('12,50');
  await page.getByLabel('Numéro de carte').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiration (MM/AA)').fill('12/34');
  await page.getByLabel('CVC').fill('123');
  await page.getByRole('button', { name: "Ajouter de l'argent" }).click();
  await expect(page.getByText('Argent ajouté : votre portefeuille est rechargé.')).toBeVisible();
  await expect(page.getByTestId('available').first()).toHaveText(/^12,50\s€$/);

  // A form error, in French.
  const menu = page.getByRole('navigation', { name: 'Principal' }).locator('details:visible');
  await menu.locator('summary').click();
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Se connecter', exact: true })).toBeVisible();
  await open(page, '/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Mot de passe').fill('not my password at all');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByTestId('form-error')).toHaveText(/ne correspondent à aucun compte/);

  // The choice is kept on the account: another browser, without the cookie, logs in in
  // English and is in French from then on.
  const { context: other, page: fresh } = await anotherBrowser(browser, testInfo);
  await open(fresh, '/login');
  await expect(fresh.locator('html')).toHaveAttribute('lang', 'en');
  await logIn(fresh, email);
  await expect(fresh.getByTestId('nav-user')).toBeVisible();
  await open(fresh, '/');
  await expect(fresh.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(fresh.getByRole('heading', { level: 1 })).toHaveText(`Bon retour, ${name}`);

  // And back to English.
  await fresh.getByTestId('language-switch').getByRole('button', { name: 'English' }).click();
  await expect(fresh.locator('html')).toHaveAttribute('lang', 'en');
  await expect(fresh.getByRole('heading', { level: 1 })).toHaveText(`Welcome back, ${name}`);
  await other.close();

  // French chosen on the login page, before logging in, is kept on the account too.
  const { context: third, page: visitor } = await anotherBrowser(browser, testInfo);
  await open(visitor, '/login');
  await visitor.getByTestId('language-switch').getByRole('button', { name: 'Français' }).click();
  await expect(visitor.locator('html')).toHaveAttribute('lang', 'fr');
  await visitor.getByLabel('E-mail').fill(email);
  await visitor.getByLabel('Mot de passe').fill(PASSWORD);
  await visitor.getByRole('button', { name: 'Se connecter' }).click();
  await expect(visitor.getByTestId('nav-user')).toBeVisible();
  await third.close();
  const { context: fourth, page: again } = await anotherBrowser(browser, testInfo);
  await logIn(again, email);
  await expect(again.getByTestId('nav-user')).toBeVisible();
  await open(again, '/');
  await expect(again.locator('html')).toHaveAttribute('lang', 'fr');
  await fourth.close();
});

test('a distance is written with the language\'s thousands separator', async ({ browser }, testInfo) => {
  const { page } = await member(browser, testInfo, 'fr-km', 'Noor');
  const id = await postParcel(page, `Atlas ${tag()}`, 'CDG', 'JFK', { photo: false });
  await open(page, `/parcels/${id}`);
  // Paris to New York is about 5,840 km.
  await expect(page.getByText(/→ .* · 5,8\d\d km$/)).toBeVisible();
  await page.getByTestId('language-switch').getByRole('button', { name: 'Français' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByText(/→ .* · 5\u202f8\d\d km$/)).toBeVisible();
});

test("a visitor whose browser prefers French gets French; an unknown language choice is refused clearly", async ({ browser, request }, testInfo) => {
  const context = await browser.newContext({
    javaScriptEnabled: jsEnabled(testInfo),
    baseURL: testInfo.project.use.baseURL,
    locale: 'fr-FR',
  });
  const page = await context.newPage();
  // The browser's bundle carries only English: a page in French fetches the pages' French
  // (cached for good) before running its islands, so what they render is in French too.
  const texts = jsEnabled(testInfo) ? page.waitForResponse((r) => r.url().includes('/texts/fr.')) : null;
  await open(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Envoyez vos colis avec des personnes qui font déjà le trajet.');
  await expect(page.getByRole('link', { name: 'Trouver un voyageur' })).toBeVisible();
  await page.getByRole('link', { name: 'Trouver un voyageur' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Trouver un voyageur');
  if (texts) {
    const res = await texts;
    expect(res.status()).toBe(200);
    expect(res.headers()['cache-control']).toContain('immutable');
    // The place suggestions are an island: the browser renders them, in French.
    await page.locator('body[data-hydrated="true"]').waitFor();
    await page.getByLabel('De', { exact: true }).pressSequentially('par');
    await expect(page.getByTestId('suggestions-from').locator('option').first()).toHaveText(/^(Ville|Aéroport)$/);
  }
  await context.close();

  const res = await request.post('/api/language', {
    form: { lang: '</title><meta http-equiv="refresh">', next: '/' },
    headers: { Origin: testInfo.project.use.baseURL! },
  });
  expect(res.status()).toBe(400);
  expect(await res.text()).toContain('Choose English or French.');
});
