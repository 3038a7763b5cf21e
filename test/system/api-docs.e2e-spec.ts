/**
 * The API reference as a developer uses it: Debian's chromium opens `/docs/` on the built gateway
 * (with a worker, real PostgreSQL and Redis), authorizes with an API key and runs "Try it out" of
 * `POST /v1/plate-reader/` with a dev photo. The page is this service's own, so the key's
 * `exposeKey: false` (the default) does not refuse it; another site is refused, naming the setting.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requestsElsewhere, screenshot } from './browser';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { ADMIN_TOKEN, BR, DEV, cliAsync } from './snapshot-support';

const port = testPort();
const base = `http://127.0.0.1:${port}`;
const env = { PORT: String(port), ADMIN_TOKEN, LOG_LEVEL: 'log', RECOGNITION_TIMEOUT_MS: '40000' };

describe('API reference (/docs/) in chromium', () => {
  let gateway: Running;
  let worker: Running;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  let outside: string[] = [];

  beforeAll(async () => {
    [gateway, worker, browser] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
      launchChromium(),
    ]);
    apiKey = (
      await cliAsync('account', 'create', `docs-${Date.now().toString(36)}`, '--plan', 'pro')
    ).apiKey;
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    outside = requestsElsewhere(page, base);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), worker?.stop()]);
  });

  it('"Try it out" of the plate reader answers 201 with the plate of a dev photo', async () => {
    await page.goto(`${base}/docs/`);
    await page.locator('.btn.authorize').first().click();
    const tokenScheme = page
      .locator('.auth-container')
      .filter({ has: page.locator('h4 code', { hasText: /^Token$/ }) });
    await tokenScheme.locator('input').fill(`Token ${apiKey}`);
    await tokenScheme.locator('button.authorize').click();
    await page.locator('.modal-ux button.btn-done').first().click();

    const operation = page
      .locator('.opblock-post')
      .filter({ has: page.locator('[data-path="/v1/plate-reader"]') });
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('input[type=file]').setInputFiles(join(DEV, BR.path));
    await operation.getByRole('button', { name: 'Execute' }).click();

    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 60_000 });
    await screenshot(page, 'docs-try-it-plate-reader');
    const body = await operation
      .locator('.live-responses-table tbody .microlight')
      .first()
      .innerText();
    expect({ status: (await status.innerText()).trim(), body: body.slice(0, 300) }).toEqual({
      status: '201',
      body: expect.stringContaining('"results"'),
    });
    expect(JSON.parse(body).results[0].plate).toBe(BR.plate);
    expect(outside).toEqual([]);
  }, 90_000);

  it('"Try it out" of the key routes without parameters answers 200 with the same key', async () => {
    for (const path of [
      '/v1/statistics',
      '/v2/subscription',
      '/v2/quota/daily',
      '/v2/quota/history',
      '/info',
      '/v1/webhooks',
    ]) {
      const operation = page
        .locator('.opblock-get')
        .filter({ has: page.locator(`[data-path="${path}"]`) });
      await operation.locator('.opblock-summary').first().click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      await operation.getByRole('button', { name: 'Execute' }).click();
      const status = operation.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor();
      expect({ path, status: (await status.innerText()).trim() }).toEqual({ path, status: '200' });
    }
  }, 60_000);

  it('refuses the same key from another site while exposeKey is false, naming the setting', async () => {
    const form = new FormData();
    form.append('upload_url', 'https://app.platerecognizer.com/static/demo.jpg');
    const res = await fetch(`${base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${apiKey}`, Origin: 'https://another-site.example' },
      body: form,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await res.json()).detail).toMatch(/exposeKey is false.*Security page/);
  });
});
