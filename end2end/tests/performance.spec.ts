// Speed that must hold on every change: what a first visit downloads, and content painted by the
// server before the WASM arrives. Runs in its own project (JavaScript on, a phone's screen) on
// the release WASM the test command builds.
import { Browser, expect, Page, test } from '@playwright/test';
import { member, open, postParcel, postTrip, tag } from './helpers';

/** The most WASM (brotli, as sent) a first visit to home, search or a parcel may download.
 * Measured and explained in the README ("Bundle size"); lower it as the bundle shrinks. */
const FIRST_LOAD_BUDGET_KB = Number(process.env.WASM_BUDGET_KB ?? 160);

const SEARCH = '/search/trips?from=Paris%2C+France&to=London%2C+United+Kingdom';

type Fetched = { name: string; bytes: number; encoding: string; cache: string };

/** Opens `path` in a fresh visitor's browser and lists the WASM modules it downloaded. */
async function firstVisit(browser: Browser, path: string): Promise<{ page: Page; wasm: Fetched[] }> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const wasm: Fetched[] = [];
  page.on('requestfinished', async (req) => {
    if (!req.url().endsWith('.wasm')) return;
    const res = await req.response();
    const sizes = await req.sizes();
    wasm.push({
      name: new URL(req.url()).pathname,
      bytes: sizes.responseBodySize,
      encoding: (await res?.headerValue('content-encoding')) ?? '',
      cache: (await res?.headerValue('cache-control')) ?? '',
    });
  });
  await open(page, path);
  await page.waitForLoadState('networkidle');
  return { page, wasm };
}

const kb = (list: Fetched[]) => list.reduce((a, f) => a + f.bytes, 0) / 1024;

test('a first visit downloads at most the budget of WASM; a conversation brings its own code when opened', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const t = tag();
  const traveler = await member(browser, testInfo, 'budget-traveler', `Bo ${t}`);
  await postTrip(traveler.page, 'Paris, France', 'London, United Kingdom');
  const sender = await member(browser, testInfo, 'budget-sender', `Bea ${t}`);
  const parcel = await postParcel(sender.page, `Budget test ${t}`, 'Paris, France', 'London, United Kingdom');

  const seen = new Set<string>();
  for (const path of ['/', SEARCH, `/parcels/${parcel}`]) {
    const { page, wasm } = await firstVisit(browser, path);
    const total = kb(wasm);
    console.log(`first visit to ${path}: ${wasm.length} WASM module(s), ${total.toFixed(1)} KB brotli`);
    expect(wasm.length, `WASM fetched by ${path}`).toBeGreaterThan(0);
    expect(total, `KB of WASM (brotli) on a first visit to ${path}`).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_KB);
    for (const f of wasm) {
      // Compressed at build time at the highest quality, and cached for good (hashed names).
      expect(f.encoding, f.name).toBe('br');
      expect(f.cache, f.name).toContain('immutable');
      seen.add(f.name);
    }
    await page.context().close();
  }

  // The conversation's island was in none of those downloads: opening one brings its module.
  await open(sender.page, `/parcels/${parcel}`);
  const modules: string[] = [];
  sender.page.on('requestfinished', (req) => {
    if (req.url().endsWith('.wasm')) modules.push(new URL(req.url()).pathname);
  });
  await sender.page.getByTestId('trip-card').filter({ hasText: `Bo ${t}` }).getByRole('button', { name: 'Ask a question' }).click();
  await expect(sender.page).toHaveURL(/\/messages\/[0-9a-f-]+$/);
  await sender.page.locator('body[data-hydrated="true"]').waitFor();
  await sender.page.waitForLoadState('networkidle');
  expect(modules.filter((m) => !seen.has(m)).length, 'modules only a conversation needs').toBeGreaterThan(0);
  await expect(sender.page.getByLabel('Your message')).toBeVisible();
});

/** Opens `path` with the WASM held back for `holdMs`, and reports the largest paint (element and
 * time), when the WASM arrived, and whether the server's main content survived hydration. */
async function paintBeforeWasm(browser: Browser, path: string, holdMs: number) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const client = await context.newCDPSession(page);
  // A slow phone network: 150 ms round trips, 1.6 Mbit/s down.
  await client.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 90_000,
  });
  let wasmArrived = 0;
  await page.route('**/*.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, holdMs));
    await route.continue();
  });
  await page.addInitScript(() => {
    (window as any).__lcp = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) {
        (window as any).__lcp.push({ at: e.startTime, tag: e.element?.tagName, inMain: !!e.element?.closest('main') });
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  const start = Date.now();
  await page.goto(path, { waitUntil: 'domcontentloaded' });
  // The server's content, marked before any WASM could run.
  const marked = await page.evaluate(() => {
    const nodes = Array.from(document.querySelectorAll('main h1, main li, main p, main img'));
    (window as any).__marked = nodes;
    return nodes.length;
  });
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 60_000 });
  wasmArrived = Date.now() - start;
  const result = await page.evaluate(() => ({
    lcp: (window as any).__lcp as { at: number; tag: string; inMain: boolean }[],
    replaced: ((window as any).__marked as Element[]).filter((n) => !n.isConnected).length,
  }));
  await context.close();
  return { ...result, marked, wasmArrived };
}

test('search results and a parcel are painted by the server before the WASM arrives, and kept by hydration', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const sender = await member(browser, testInfo, 'paint-sender', `Pia ${tag()}`);
  const parcel = await postParcel(sender.page, `Paint test ${tag()}`, 'Paris, France', 'London, United Kingdom');
  for (const path of [SEARCH, `/parcels/${parcel}`]) {
    const r = await paintBeforeWasm(browser, path, 3_000);
    expect(r.marked, `server-rendered content on ${path}`).toBeGreaterThan(2);
    expect(r.lcp.length, `a largest paint on ${path}`).toBeGreaterThan(0);
    const last = r.lcp[r.lcp.length - 1];
    // The largest paint is the page's own content, and it happened while the WASM was held back.
    expect(last.inMain, `largest paint inside <main> on ${path}: ${JSON.stringify(last)}`).toBe(true);
    expect(last.at, `largest paint before the WASM arrived on ${path}`).toBeLessThan(r.wasmArrived - 2_000);
    expect(r.replaced, `server-rendered nodes replaced by hydration on ${path}`).toBe(0);
  }
});
