// Accounts: sign-up, verification, login and its lock-out, reset, sessions; CSRF and 404s.
import { expect, test } from '@playwright/test';
import { askToSignUp, emailedLink, jsEnabled, logIn, logOut, open, openMenu, PASSWORD, PNG, signUp, totp, uniqueEmail } from './helpers';

test('sign up, confirm the email from the outbox, log out, log in and see your name', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const email = uniqueEmail(testInfo, 'signup');
  await askToSignUp(page, email, 'Nadia Sender');
  // Nobody is logged in until the address is confirmed.
  await expect(page.getByTestId('nav-user')).toHaveCount(0);

  const link = await emailedLink(page, email, 'verify_email');
  await open(page, link);
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page).toHaveURL(/\/account\?welcome=1/);
  await expect(page.getByTestId('nav-user')).toHaveText('Nadia Sender');
  await expect(page.getByTestId('verified-badge')).toBeVisible();
  // The link works once.
  await open(page, link);
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.getByTestId('email-verified')).toBeVisible();

  // Signing up again with the address says the same, and tells its owner instead.
  await logOut(page);
  await askToSignUp(page, email, 'Someone Else');
  await open(page, `/dev/outbox?to=${encodeURIComponent(email)}`);
  await expect(page.locator('[data-testid="email"][data-kind="already_member"]')).toHaveCount(1);

  await logIn(page, email);
  await expect(page.getByTestId('nav-user')).toHaveText('Nadia Sender');
  await open(page, '/account');
  await expect(page.getByTestId('verified-badge')).toBeVisible();
});

test('sign-up errors appear next to their fields and keep what was typed', async ({ page }, testInfo) => {
  await open(page, '/signup');
  const email = uniqueEmail(testInfo, 'bad');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name').fill('Bo');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('[data-field-error="password"]')).toHaveText(/too common/);
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await expect(page.getByLabel('Display name')).toHaveValue('Bo');
});

test('a wrong password gets a clear message that does not reveal the account', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'wrong');
  await signUp(page, email);
  await logOut(page);
  await logIn(page, email, 'not my password at all');
  await expect(page.getByTestId('form-error')).toHaveText(/don't match an account/);
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await logIn(page, uniqueEmail(testInfo, 'nobody'), 'not my password at all');
  await expect(page.getByTestId('form-error')).toHaveText(/don't match an account/);
});

test('five failed logins lock password login for the account', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'lock');
  await signUp(page, email);
  await logOut(page);
  for (let i = 1; i <= 4; i++) {
    await logIn(page, email, `wrong password ${i}`);
    await expect(page.getByTestId('form-error')).toHaveText(/don't match an account/);
  }
  await logIn(page, email, 'wrong password 5');
  await expect(page.getByTestId('form-error')).toHaveText(/Too many failed attempts/);
  await logIn(page, email, PASSWORD);
  await expect(page.getByTestId('form-error')).toHaveText(/Too many failed attempts/);
  await expect(page.getByTestId('nav-user')).toHaveCount(0);
});

test('reset a forgotten password by the emailed link', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'reset');
  await signUp(page, email, 'Rita Reset');
  await logOut(page);

  await open(page, '/forgot-password');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toHaveText(/a reset link is on its way/);

  const link = await emailedLink(page, email, 'reset_password');
  await open(page, link);
  await page.getByLabel('New password').fill('my new sturdy passphrase');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page).toHaveURL(/\/login\?reset=1/);

  await logIn(page, email, PASSWORD);
  await expect(page.getByTestId('form-error')).toHaveText(/don't match an account/);
  await logIn(page, email, 'my new sturdy passphrase');
  await expect(page.getByTestId('nav-user')).toHaveText('Rita Reset');

  // The link works once.
  await logOut(page);
  await open(page, link);
  await page.getByLabel('New password').fill('a third sturdy passphrase');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByTestId('form-error')).toHaveText(/expired or was already used/);
});

test('revoking another session logs that device out', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail(testInfo, 'revoke');
  await signUp(page, email, 'Two Devices');

  const other = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo), baseURL: testInfo.project.use.baseURL });
  const phone = await other.newPage();
  await phone.goto('/login');
  await phone.getByLabel('Email').fill(email);
  await phone.getByLabel('Password').fill(PASSWORD);
  await phone.getByRole('button', { name: 'Log in' }).click();
  await expect(phone.getByTestId('nav-user')).toHaveText('Two Devices');

  await open(page, '/account/sessions');
  await expect(page.getByTestId('session')).toHaveCount(2);
  await page.locator('[data-testid="session"][data-current="false"]').getByRole('button').click();
  await expect(page.getByTestId('session')).toHaveCount(1);
  await expect(page.locator('[data-testid="session"][data-current="true"]')).toBeVisible();

  await phone.goto('/account');
  await expect(phone.getByTestId('login-required')).toBeVisible();
  await expect(phone.getByTestId('nav-user')).toHaveCount(0);
  await other.close();
});

test('a form posts its fields as typed, and the answer lands on the page', async ({ page }, testInfo) => {
  const email = uniqueEmail(testInfo, 'fields');
  await signUp(page, email);
  await logOut(page);
  // Characters a form body must encode: the server reads back exactly what was typed.
  const typed = 'p&w=1+2 %3 é\'"<x>';
  for (const [password, ok] of [[typed, false], [PASSWORD, true]] as const) {
    await open(page, '/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/auth/login') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Log in' }).click();
    const request = await posted;
    // A page's forms are plain HTML, with or without JavaScript: the browser posts them.
    expect(request.resourceType()).toBe('document');
    expect(request.headers()['content-type']).toContain('application/x-www-form-urlencoded');
    const fields = new URLSearchParams(request.postData() ?? '');
    expect(fields.get('email')).toBe(email);
    expect(fields.get('password')).toBe(password);
    if (ok) {
      await expect(page.getByTestId('nav-user')).toBeVisible();
    } else {
      await expect(page.getByTestId('form-error')).toHaveText(/don't match an account/);
      await expect(page.getByLabel('Email')).toHaveValue(email);
    }
  }
});

test('a cross-origin POST is refused', async ({ request }) => {
  const res = await request.post('/api/auth/login', {
    headers: { Origin: 'http://evil.example' },
    form: { email: 'someone@example.com', password: 'whatever it is' },
  });
  expect(res.status()).toBe(403);
  const sameSite = await request.post('/api/auth/login', {
    headers: { 'Sec-Fetch-Site': 'cross-site' },
    form: { email: 'someone@example.com', password: 'whatever it is' },
  });
  expect(sameSite.status()).toBe(403);
});

test('unknown pages show a 404 page', async ({ page }) => {
  const res = await page.goto('/this/does/not/exist');
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
});

test('two-factor login: set up with the key, log in with a code from the app, then with a recovery code once', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const email = uniqueEmail(testInfo, 'twofactor');
  await signUp(page, email, 'Tove Two');
  await open(page, '/account/security');
  await page.getByRole('button', { name: 'Set up two-factor login' }).click();
  const key = (await page.getByTestId('totp-key').textContent())!.trim();
  await expect(page.getByTestId('totp-qr').locator('svg')).toBeVisible();
  await page.getByLabel('Code from your app').fill('000000');
  await page.getByRole('button', { name: 'Turn on two-factor login' }).click();
  await expect(page.locator('[data-field-error="code"]')).toContainText('That code is not right');
  await page.getByLabel('Code from your app').fill(totp(key));
  await page.getByRole('button', { name: 'Turn on two-factor login' }).click();
  await expect(page).toHaveURL(/\/account\/security\?enabled=1/);
  await expect(page.getByTestId('recovery-code')).toHaveCount(10);
  const codes = await page.getByTestId('recovery-code').allTextContents();
  // The codes are shown once.
  await open(page, '/account/security');
  await expect(page.getByTestId('two-factor-on')).toBeVisible();
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  await logOut(page);

  // The password leads to the code step; a code from the app (the next step's) logs in.
  await logIn(page, email);
  await expect(page).toHaveURL(/\/login\/code/);
  await expect(page.getByTestId('nav-user')).toHaveCount(0);
  await page.getByLabel('Code', { exact: true }).fill(totp(key, 30));
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('nav-user')).toHaveText('Tove Two');
  await logOut(page);

  // A recovery code works once.
  for (const expected of ['in', 'refused']) {
    await logIn(page, email);
    await expect(page).toHaveURL(/\/login\/code/);
    await page.getByLabel('Code', { exact: true }).fill(codes[0]);
    await page.getByRole('button', { name: 'Log in' }).click();
    if (expected === 'in') {
      await expect(page.getByTestId('nav-user')).toHaveText('Tove Two');
      await logOut(page);
    } else {
      await expect(page.locator('[data-field-error="code"]')).toContainText('That code is not right');
      await expect(page.getByTestId('nav-user')).toHaveCount(0);
    }
  }
});

test('a profile picture appears on the public profile; languages and a home city too', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const email = uniqueEmail(testInfo, 'avatar');
  await signUp(page, email, 'Ava Tar');
  await open(page, '/account');
  await page.locator('#avatar-file').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Upload picture' }).click();
  await expect(page).toHaveURL(/\/account\?avatar=1/);
  await expect(page.getByTestId('my-avatar')).toBeVisible();
  // Not a picture: a clear message, nothing changed.
  await page.locator('#avatar-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.getByRole('button', { name: 'Upload picture' }).click();
  await expect(page.getByTestId('avatar-error')).toContainText('JPEG, PNG or WebP');

  await page.getByLabel('French').check();
  await page.getByLabel('Wolof').check();
  await page.getByLabel('Home city').fill('Dakar, Senegal');
  await page.getByLabel('Phone (shown to the other side of an accepted booking)').fill('+221 77 123 45 67');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page).toHaveURL(/\/account\?saved=1/);

  await openMenu(page);
  const href = await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Public profile', exact: true }).getAttribute('href');
  await open(page, href!);
  const img = page.getByTestId('public-profile').getByTestId('avatar');
  await expect(img).toBeVisible();
  const res = await page.request.get((await img.getAttribute('src'))!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('image/jpeg');
  expect(res.headers()['cache-control']).toContain('immutable');
  await expect(page.getByTestId('languages')).toHaveText('Speaks French, Wolof');
  await expect(page.getByTestId('public-profile')).toContainText('Dakar, Senegal');
});

test('download all my data, then delete the account: logged out, and the password no longer works', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const email = uniqueEmail(testInfo, 'erase');
  await signUp(page, email, 'Era Sure');
  await open(page, '/account/privacy');
  await page.getByRole('button', { name: 'Prepare a copy of my data' }).click();
  await expect(page).toHaveURL(/\/account\/privacy\?requested=1/);
  // The job queue makes it within a few seconds.
  await expect.poll(async () => {
    await open(page, '/account/privacy');
    return page.getByTestId('export-download').count();
  }, { timeout: 30_000 }).toBe(1);
  const link = (await page.getByTestId('export-download').getAttribute('href'))!;
  const res = await page.request.get(link);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-disposition']).toContain('attachment');
  const data = await res.json();
  expect(data.account.email).toBe(email);
  expect(data.account.display_name).toBe('Era Sure');
  expect(Array.isArray(data.bookings)).toBe(true);

  const form = page.getByTestId('delete-account');
  await form.getByLabel('Your password').fill(PASSWORD);
  await form.getByLabel('Type DELETE to confirm').fill('delete');
  await form.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page.locator('[data-field-error="confirm"]')).toContainText('Type DELETE');
  await form.getByLabel('Your password').fill(PASSWORD);
  await form.getByLabel('Type DELETE to confirm').fill('DELETE');
  await form.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page.getByTestId('account-deleted')).toBeVisible();
  await expect(page.getByTestId('nav-user')).toHaveCount(0);
  // The download is gone with the account.
  expect((await page.request.get(link, { maxRedirects: 0 })).status()).not.toBe(200);
  await logIn(page, email);
  await expect(page.getByTestId('form-error')).toContainText("don't match");
});
