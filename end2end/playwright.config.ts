import { defineConfig } from '@playwright/test';

// The test command starts the server and sets E2E_BASE_URL. Every spec runs twice: hydrated
// (desktop) and with JavaScript disabled (a 375 px phone), so forms work before the WASM loads.
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  // The specs run on the debug build, whose WASM (~40 MB) takes up to 10-15 s to hydrate a page on
  // two cores: a test that opens eight pages needs the two minutes.
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
    { name: 'hydrated', use: { javaScriptEnabled: true, viewport: { width: 1280, height: 800 } } },
    { name: 'no-js', use: { javaScriptEnabled: false, viewport: { width: 375, height: 740 } } },
  ],
});
