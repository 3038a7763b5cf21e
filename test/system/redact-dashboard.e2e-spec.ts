/**
 * The dashboard's Try it → Redact tab in a real browser (Debian's chromium) against the built
 * gateway, worker and dashboard: the redacted photo is shown, the plate reader reads nothing in
 * it, and the call is counted as a redaction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requestsElsewhere, screenshot } from './browser';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { DEV } from './snapshot-support';

const PHOTO = join(DEV, 'images', 'br', 'AYO9034.jpg');
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const PASSWORD = 'dashboard password 1';
const port = testPort();
const base = `http://127.0.0.1:${port}`;
const env = { PORT: String(port), ADMIN_TOKEN, LOG_LEVEL: 'log', RECOGNITION_TIMEOUT_MS: '40000' };

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const statistics = async (key: string) =>
  (await fetch(`${base}/v1/statistics/`, { headers: { Authorization: `Token ${key}` } })).json();

describe('Try it → Redact in chromium', () => {
  let gateway: Running;
  let worker: Running;
  let browser: Browser;
  let page: Page;
  let outside: string[] = [];
  const accounts: Record<string, { username: string; apiKey: string }> = {};

  beforeAll(async () => {
    [gateway, worker, browser] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
      launchChromium(),
    ]);
    for (const plan of ['business', 'pro']) {
      const username = `redact-web-${plan}-${Date.now().toString(36)}`;
      const created = await admin('POST', '/accounts', { username, firstName: 'Web', plan });
      await admin('PUT', `/accounts/${created.account.id}/password`, { password: PASSWORD });
      accounts[plan] = { username, apiKey: created.apiKey };
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), worker?.stop()]);
  });

  async function signIn(plan: string) {
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    outside = requestsElsewhere(page, base);
    await page.goto(`${base}/app/`);
    await page.getByLabel('Username').fill(accounts[plan].username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('username').waitFor();
    await page.getByRole('link', { name: 'Try it' }).click();
    await page.getByRole('tab', { name: 'Redact' }).click();
    await page
      .getByLabel('Photo to redact')
      .setInputFiles({ name: 'car.jpg', mimeType: 'image/jpeg', buffer: readFileSync(PHOTO) });
  }

  it('shows the photo with its plate hidden, and counts the call as a redaction', async () => {
    await signIn('business');
    const { apiKey } = accounts.business;
    await page.getByLabel('Method').selectOption('pixelate');
    await page.getByRole('button', { name: 'Redact', exact: true }).click();
    await page.getByTestId('redact-summary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('redact-summary').innerText()).toMatch(
      /^\d+ plate areas? and 0 faces hidden in \d+ ms$/,
    );
    expect(await page.getByTestId('redact-curl').innerText()).toContain('-F method=pixelate');
    const src = await page.getByTestId('redacted-image').getAttribute('src');
    expect(src).toMatch(/^data:image\/jpeg;base64,/);
    // The image shown is what the API answers: the plate reader reads nothing in it.
    const form = new FormData();
    form.append('upload', new Blob([Buffer.from(src!.split(',')[1], 'base64')]), 'shown.jpg');
    const read = await fetch(`${base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${apiKey}` },
      body: form,
    });
    expect((await read.json()).results).toEqual([]);
    const daily = await (
      await fetch(`${base}/v2/quota/daily`, { headers: { Authorization: `Token ${apiKey}` } })
    ).json();
    expect([daily.quota.plate_reader.count, daily.quota.redact.count]).toEqual([1, 1]);
    expect(outside).toEqual([]);
    await screenshot(page, '10-try-it-redact');
    // The overview counts the redaction in the contract year as in the month: one allowance.
    await page.getByRole('link', { name: 'Overview' }).click();
    // Shown from the cache first, then refetched: wait for the month's figure to count both.
    await page.getByTestId('month-calls').getByText('2', { exact: true }).waitFor();
    expect(await page.getByTestId('year-calls').innerText()).toBe('2');
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByTestId('usage-total').waitFor();
    expect(await page.getByTestId('usage-total').innerText()).toBe('2');
    // Today's bar holds both calls: the redaction (teal) stacked on the read (blue), not hidden
    // behind it.
    const chart = page.getByTestId('usage-chart');
    await chart.locator('canvas').waitFor();
    const stack = await chart.evaluate((el) => {
      const canvas = el.querySelector('canvas')!;
      const { data, width, height } = canvas
        .getContext('2d')!
        .getImageData(0, 0, canvas.width, canvas.height);
      const px = (x: number, y: number) => data.slice((y * width + x) * 4, (y * width + x) * 4 + 3);
      const blue = ([r, g, b]: Uint8ClampedArray) => b > g + 50 && b > r + 80;
      const teal = ([r, g, b]: Uint8ClampedArray) => g > 150 && b < g + 15 && r < 150 && g > r + 40;
      const tops = { blue: height, teal: height };
      for (let x = 0; x < width; x++)
        for (let y = 0; y < height; y++) {
          if (blue(px(x, y))) tops.blue = Math.min(tops.blue, y);
          if (teal(px(x, y))) tops.teal = Math.min(tops.teal, y);
        }
      return { ...tops, height };
    });
    expect(stack.teal).toBeLessThan(stack.height);
    expect(stack.teal).toBeLessThan(stack.blue);
    await page.close();
  });

  it('says so on the page when the plan does not include redaction', async () => {
    await signIn('pro');
    await page.getByRole('button', { name: 'Redact', exact: true }).click();
    await page.getByText('Redaction is not included in your plan.').waitFor();
    expect((await statistics(accounts.pro.apiKey)).usage.calls).toBe(0);
    await page.close();
  });
});
