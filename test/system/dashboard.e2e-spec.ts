/**
 * The dashboard in a real browser: Debian's chromium against the built gateway, worker and
 * dashboard (processes, real PostgreSQL and Redis). Screenshots go to test-artifacts/screenshots.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { launchChromium, requestsElsewhere, screenshot } from './browser';
// The operator CLI, on the same database as the apps.
import { cliAsync, DEV } from './snapshot-support';

const PHOTO = join(DEV, 'images', 'us', 'wts-lg-000078.jpg');
const PLATE = '5EZP631';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const PASSWORD = 'dashboard password 1';
const HOOK_HOST = '127.0.0.6';
const port = testPort();
const base = `http://127.0.0.1:${port}`;
const env = {
  PORT: String(port),
  ADMIN_TOKEN,
  LOG_LEVEL: 'log',
  FETCH_ALLOW_HOSTS: HOOK_HOST,
  WEBHOOK_BACKOFF_MS: '200',
  RECOGNITION_TIMEOUT_MS: '40000',
};

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const withKey = (key: string, path: string) =>
  fetch(`${base}${path}`, { headers: { Authorization: `Token ${key}` } });
const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

describe('account dashboard in chromium', () => {
  let gateway: Running;
  let worker: Running;
  let browser: Browser;
  let page: Page;
  let username: string;
  let apiKey: string;
  /** Requests the dashboard made to anything but the gateway (fonts, CDNs...): must stay empty. */
  let outside: string[] = [];
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });

  beforeAll(async () => {
    [gateway, worker, browser] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
      launchChromium(),
      new Promise<void>((resolve) => hookServer.listen(0, HOOK_HOST, resolve)),
    ]);
    username = `web-${Date.now().toString(36)}`;
    const created = await admin('POST', '/accounts', { username, firstName: 'Web', plan: 'pro' });
    apiKey = created.apiKey;
    await admin('PUT', `/accounts/${created.account.id}/password`, { password: PASSWORD });
    // a recognition call on record, so the overview and the chart have numbers to compare
    const form = new FormData();
    form.append('upload', new Blob([readFileSync(PHOTO)]), 'car.jpg');
    const read = await fetch(`${base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${apiKey}` },
      body: form,
    });
    expect(read.status).toBe(201);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('dialog', (dialog) => dialog.accept());
    outside = requestsElsewhere(page, base);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), worker?.stop(), new Promise((r) => hookServer.close(r))]);
  });

  it('signs in, and a wrong password is refused on the page', async () => {
    await page.goto(`${base}/app/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    await screenshot(page, '01-sign-in-refused');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await text(page, 'username')).toBe(username);
  });

  it('shows the same overview numbers as /v2/subscription and /v1/statistics/', async () => {
    const stats = await (await withKey(apiKey, '/v1/statistics/')).json();
    const sub = await (await withKey(apiKey, '/v2/subscription')).json();
    await page.reload();
    await page.getByTestId('month-calls').waitFor();
    const n = (x: number) => x.toLocaleString('en-US');
    expect(await text(page, 'plan')).toBe(sub.contract.plan);
    expect(await text(page, 'status')).toBe(sub.contract.status);
    expect(stats.usage.calls).toBe(1);
    expect(await text(page, 'month-calls')).toBe(n(stats.usage.calls));
    expect(await text(page, 'month-limit')).toBe(n(stats.total_calls));
    expect(await text(page, 'month-left')).toBe(n(stats.total_calls - stats.usage.calls));
    expect(await text(page, 'month-end')).toBe(stats.usage.resets_on.slice(0, 10));
    const yearCalls = Object.values<number>(sub.history[0].count).reduce((a, b) => a + b, 0);
    expect(await text(page, 'year-calls')).toBe(n(yearCalls));
    expect(await text(page, 'year-limit')).toBe(n(sub.contract.indicativeYearlyQuota));
    expect(await text(page, 'estimate')).toBe(`${sub.billing.estimatedAmount.toFixed(2)} EUR`);
    expect(await text(page, 'year-end')).toBe(
      new Date(sub.contract.nextSignatureDate).toISOString().slice(0, 10),
    );
    await screenshot(page, '02-overview');
  });

  it('draws the usage chart with one bar slot per day of the chosen range', async () => {
    await page.getByRole('link', { name: 'Usage' }).click();
    const chart = page.getByTestId('usage-chart');
    await chart.locator('canvas').waitFor();
    expect(await chart.getAttribute('data-days')).toBe('30');
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.locator('[data-testid="usage-chart"][data-days="7"] canvas').waitFor();
    expect(await text(page, 'usage-days')).toBe('7');
    expect(await text(page, 'usage-total')).toBe('1');
    const csv = await page.evaluate(async () =>
      (await fetch(document.querySelector<HTMLAnchorElement>('a[download]')!.href)).text(),
    );
    expect(csv.trim().split('\n')).toHaveLength(1 + 7 * 3); // a line per day and request type
    await screenshot(page, '03-usage');
  });

  it('refuses a day that does not exist on the usage page, and its API refuses it too', async () => {
    const from = page.getByLabel('From');
    // Typed as a person would (the fields of 02/30/2026): the browser has no date for it, and
    // `new Date('2026-02-30')` would be March 2.
    await from.focus();
    await page.keyboard.type('02302026');
    const problem = page.getByRole('alert').filter({ hasText: /^From:/ });
    await problem.waitFor({ timeout: 5_000 });
    expect(await problem.innerText()).toMatch(
      /^From: that day does not exist \(such as February 30\)\. Pick a day of the calendar\. Showing \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\.$/,
    );
    expect(await from.getAttribute('aria-invalid')).toBe('true');
    // What was typed stays in the field (not set back to the last day taken).
    expect(await from.inputValue()).toBe('');
    await screenshot(page, '03b-usage-no-such-day');
    const asked = await page.evaluate(async () => {
      const res = await fetch('/account/usage?from=2026-02-30&to=2026-03-31');
      return { status: res.status, body: await res.json() };
    });
    expect(asked).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'from must be a day as YYYY-MM-DD in years 1 to 9999, e.g. 2026-12-01',
      },
    });
    // A preset sets both days anew: the message goes.
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await problem.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await from.getAttribute('aria-invalid')).toBeNull();
    expect(await from.inputValue()).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(await text(page, 'usage-days')).toBe('7');
  });

  it('issues a key (shown once, works at once) and revokes it (403 on the API at once)', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Label').fill('browser-test');
    await page.getByRole('button', { name: 'Issue a key' }).click();
    const key = await text(page, 'new-key');
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    expect((await withKey(key, '/v1/statistics/')).status).toBe(200);
    await screenshot(page, '04-key-issued');
    await page.getByRole('button', { name: `Revoke key ${key.slice(0, 8)}` }).click();
    await page
      .getByTestId(`key-${key.slice(0, 8)}`)
      .getByText(/^revoked/)
      .waitFor();
    const refused = await withKey(key, '/v1/statistics/');
    expect(refused.status).toBe(403);
    expect((await withKey(apiKey, '/v1/statistics/')).status).toBe(200);
  });

  it('adds a webhook (secret shown once) and sends a signed test event, seen in the delivery log', async () => {
    const target = `http://${HOOK_HOST}:${(hookServer.address() as AddressInfo).port}/hook`;
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Target URL').fill(target);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    expect(await text(page, 'webhook-secret')).toMatch(/^[0-9a-f]{48}$/);
    await page.getByTestId('webhook').getByText(target).waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('cell', { name: 'webhook.test' }).waitFor({ timeout: 20_000 });
    expect(received.at(-1)!.headers['x-platewise-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(JSON.parse(received.at(-1)!.body).hook.event).toBe('webhook.test');
    await screenshot(page, '05-webhooks');
  });

  it('reads a dev photo in "Try it": the plate text, boxes and curl, and the call is counted', async () => {
    const before = (await (await withKey(apiKey, '/v1/statistics/')).json()).usage.calls;
    await page.getByRole('link', { name: 'Try it' }).click();
    await page
      .getByLabel('Photo (choose or drop a file)')
      .setInputFiles({ name: 'car.jpg', mimeType: 'image/jpeg', buffer: readFileSync(PHOTO) });
    await page.getByLabel('Regions (e.g. us-ca, br, mx)').fill('us-ca');
    await page.getByRole('button', { name: 'Read plates' }).click();
    await page.getByTestId('plate-text').first().waitFor({ timeout: 45_000 });
    expect(await page.getByTestId('plate-text').first().innerText()).toBe(PLATE);
    expect(await page.locator('svg rect.plate-box').count()).toBeGreaterThan(0);
    expect(await text(page, 'curl')).toContain('-F regions=us-ca');
    const after = (await (await withKey(apiKey, '/v1/statistics/')).json()).usage.calls;
    expect(after).toBe(before + 1);
    await screenshot(page, '06-try-it');
  });

  it('fits a phone-sized screen and is usable from the keyboard', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      storageState: await page.context().storageState(),
    });
    await phone.goto(`${base}/app/#/overview`);
    await phone.getByTestId('month-calls').waitFor();
    await screenshot(phone, '07-phone-overview');
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // Tab reaches the navigation, Enter follows the link.
    await phone.keyboard.press('Tab');
    for (
      let i = 0;
      i < 12 && !(await phone.evaluate(() => document.activeElement?.textContent === 'API keys'));
      i++
    ) {
      await phone.keyboard.press('Tab');
    }
    await phone.keyboard.press('Enter');
    await phone.getByRole('heading', { name: 'API keys' }).waitFor();
    await phone.goto(`${base}/app/#/try`);
    await phone.getByRole('button', { name: 'Read plates' }).waitFor();
    expect(
      await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await phone.close();
  });

  it('renders the interactive API reference at /docs from local files', async () => {
    const docs = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const outside = requestsElsewhere(docs, base);
    await docs.goto(`${base}/docs/`);
    await docs.locator('.opblock-summary-path', { hasText: '/v1/plate-reader' }).first().waitFor();
    expect(await docs.locator('.opblock').count()).toBeGreaterThan(40);
    expect(outside).toEqual([]);
    await screenshot(docs, '09-api-docs');
    await docs.close();
  });

  it('shows operators every account; the CLI sets passwords and the demo sign-in up.sh prints works', async () => {
    const operator = `op-${Date.now().toString(36)}`;
    await cliAsync('account', 'create', operator);
    const { password } = await cliAsync('account', 'password', operator, '--operator', 'true');
    const demo = await cliAsync('demo');
    const demoSignIn = await fetch(`${base}/account/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password: demo.password }),
    });
    expect(demoSignIn.status).toBe(201);
    const op = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await op.goto(`${base}/app/`);
    await op.getByLabel('Username').fill(operator);
    await op.getByLabel('Password').fill(password);
    await op.getByRole('button', { name: 'Sign in' }).click();
    await op.getByRole('link', { name: 'Operator' }).click();
    await op.getByTestId(`account-${username}`).waitFor();
    await op.getByTestId('account-demo').waitFor();
    await screenshot(op, '10-operator');
    await op.close();
    // the owner's own session has no operator view
    expect(await page.getByRole('link', { name: 'Operator' }).count()).toBe(0);
  });

  it('signs out: the page returns to sign-in and the old session is refused', async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'platewise_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(outside).toEqual([]);
    const res = await fetch(`${base}/account/session`, {
      headers: { Cookie: `platewise_session=${session.value}` },
    });
    expect(res.status).toBe(401);
    await screenshot(page, '08-signed-out');
  });
});
