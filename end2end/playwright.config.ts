import { defineConfig } from '@playwright/test';

// The test command starts the server and sets E2E_BASE_URL. Every spec runs twice: hydrated
// (desktop) and with JavaScript disabled (a 375 px phone), so forms work before the WASM loads.
// The performance spec (download budget, content painted before the WASM) runs once, on a phone
// with JavaScript; the accessibility spec with JavaScript, on a phone and on a desktop.
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    },
  },
  projects: [
    { name: 'hydrated', testIgnore: /(performance|accessibility)\.spec/, use: { javaScriptEnabled: true, viewport: { width: 1280, height: 800 } } },
    { name: 'no-js', testIgnore: /(performance|accessibility)\.spec/, use: { javaScriptEnabled: false, viewport: { width: 375, height: 740 } } },
    { name: 'performance', testMatch: /performance\.spec/, use: { javaScriptEnabled: true, viewport: { width: 375, height: 740 } } },
    // axe-core runs in the page: JavaScript on, each test on its own screen size.
    { name: 'accessibility', testMatch: /accessibility\.spec/, use: { javaScriptEnabled: true } },
  ],
});
