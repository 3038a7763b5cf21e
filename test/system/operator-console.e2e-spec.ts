/**
 * The operator console and the owner's overview in Debian's chromium, against the built gateway
 * and worker: an operator creates a plan and an account with an e-mail, sets its password,
 * suspends and reactivates it (each step audited); what is typed on a card or the Security page
 * stays while the data refreshes, and the saved values show after a save; the owner signs in and
 * sees what is left of the month and the contract year, the plan's limits and price, the meter
 * amber at 80 %; no page scrolls sideways at 390×844. Screenshots go to test-artifacts/screenshots.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from './browser';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { ADMIN_TOKEN, ALLOWED_HOST, cliAsync, DEV, waitFor } from './snapshot-support';

const PHOTO = join(DEV, 'images', 'us', 'wts-lg-000078.jpg');
const port = testPort();
const base = `http://127.0.0.1:${port}`;
const env = {
  PORT: String(port),
  ADMIN_TOKEN,
  FETCH_ALLOW_HOSTS: ALLOWED_HOST,
  RECOGNITION_TIMEOUT_MS: '40000',
};
const PAGES = [
  'overview',
  'usage',
  'keys',
  'webhooks',
  'reads',
  'watchlists',
  'security',
  'try',
  'operator',
];

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${base}/app/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('username').waitFor();
}

async function admin<T>(path: string): Promise<T> {
  const res = await fetch(`${base}/admin${path}`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!res.ok) throw new Error(`GET /admin${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A change made elsewhere (the admin API), while a form on the page is being filled. */
async function adminSend(method: 'PATCH' | 'PUT', path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} /admin${path}: ${res.status} ${await res.text()}`);
}

const accountId = async (username: string) =>
  (await admin<{ id: string; username: string }[]>('/accounts')).find(
    (a) => a.username === username,
  )!.id;

const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('operator console and owner overview in chromium', () => {
  let gateway: Running;
  let worker: Running;
  let browser: Browser;
  let op: Page;
  /** The owner's session for Try it and the overview's chart. */
  let ownerPage: Page;
  const run = Date.now().toString(36);
  const operator = `op-${run}`;
  const owner = `owner-${run}`;
  const plan = `ten-${run}`;
  const ownerPassword = 'owner password 123';
  let apiKey: string;

  beforeAll(async () => {
    [gateway, worker, browser] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
      launchChromium(),
    ]);
    await cliAsync('account', 'create', operator);
    const { password } = await cliAsync('account', 'password', operator, '--operator', 'true');
    op = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    op.on('dialog', (d) => d.accept());
    await signIn(op, operator, password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), worker?.stop()]);
  });

  it('creates a plan and an account with an e-mail, sets its password, suspends and reactivates it', async () => {
    await op.goto(`${base}/app/#/operator`);
    const planForm = op.getByTestId('plan-form');
    await planForm.getByLabel('Name').fill(plan);
    await planForm.getByLabel('Calls a month').fill('10');
    await planForm.getByLabel('Calls a year (indicative)').fill('12000');
    await planForm.getByLabel('Calls per second').fill('20');
    await planForm.getByLabel('Largest upload (MB)').fill('4');
    await planForm.getByLabel('EUR per call above quota').fill('0.004');
    await planForm.getByLabel('Allow calls above the quota').check();
    await planForm.getByRole('button', { name: 'Save plan' }).click();
    await op.getByTestId(`plan-${plan}`).waitFor();
    expect(await op.getByTestId(`plan-${plan}`).innerText()).toMatch(/12,000 a year/);

    const form = op.getByTestId('new-account');
    await form.getByLabel('Username').fill(owner);
    await form.getByLabel('E-mail').fill('owner@example.com');
    await form.getByLabel('Plan').selectOption(plan);
    await form.getByLabel('Keep reads (days)').fill('30');
    await form.getByRole('button', { name: 'Create account' }).click();
    apiKey = (await op.getByTestId('new-api-key').innerText()).trim();
    expect(apiKey).toMatch(/^[0-9a-f]{40}$/);
    const card = op.getByTestId(`account-${owner}`);
    await card.waitFor();
    expect(await card.innerText()).toMatch(/owner@example\.com/);
    // a contract cannot be signed with a date to come: the picker offers none
    expect(await card.getByLabel('From').getAttribute('max')).toBe(
      new Date().toISOString().slice(0, 10),
    );

    // E-mail and read retention change on the card too (and back, for the steps below).
    await card.getByLabel('Notices to').fill('ops-copy@example.com');
    await card.getByLabel('Keep reads (days)').fill('7');
    await card.getByRole('button', { name: 'Save settings' }).click();
    await card.getByRole('status').getByText('settings saved').waitFor();
    // Typed at once, before the refreshed account comes: the form keeps it (it once started again
    // from the refreshed account and lost the e-mail, CI).
    const changed =
      await admin<{ username: string; email: string; readRetentionDays: number }[]>('/accounts');
    expect(changed.find((a) => a.username === owner)).toMatchObject({
      email: 'ops-copy@example.com',
      readRetentionDays: 7,
    });
    await card.getByLabel('Notices to').fill('owner@example.com');
    await card.getByLabel('Keep reads (days)').fill('30');
    await card.getByRole('button', { name: 'Save settings' }).click();
    await card.getByText('reads kept 30 days').waitFor();
    await op.getByTestId('audit').getByText(`${operator} account.settings`).first().waitFor();

    await card.getByLabel('New password').fill(ownerPassword);
    await card.getByRole('button', { name: 'Set password' }).click();
    await card.getByRole('status').getByText('password set').waitFor();

    await card.getByRole('button', { name: 'Suspend' }).click();
    await card.getByTestId('account-status').getByText('suspended').waitFor();
    const upload = new FormData();
    upload.append('upload', new Blob([readFileSync(PHOTO)]), 'car.jpg');
    const refused = await fetch(`${base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${apiKey}` },
      body: upload,
    });
    expect(refused.status).toBe(403);
    await card.getByRole('button', { name: 'Reactivate' }).click();
    await card.getByTestId('account-status').getByText('active').waitFor();
    await screenshot(op, '20-operator-console');

    const audit = await op.getByTestId('audit').innerText();
    for (const action of ['plan.save', 'account.create', 'account.password', 'contract.status'])
      expect(audit).toContain(`${operator} ${action}`);
  });

  it("keeps what the operator types on a card while the accounts refresh, and the card's saved settings after a save", async () => {
    await op.goto(`${base}/app/#/operator`);
    const card = op.getByTestId(`account-${owner}`);
    const email = card.getByLabel('Notices to');
    const days = card.getByLabel('Keep reads (days)');
    await card.getByText('reads kept 30 days').waitFor();
    const id = await accountId(owner);
    // Only the list refreshing: another action on the console (the password, set again), while
    // the account's retention was changed elsewhere.
    const refreshList = async () => {
      await card.getByLabel('New password').fill(ownerPassword);
      await card.getByRole('button', { name: 'Set password' }).click();
    };

    await email.fill('typing@example.com');
    await adminSend('PATCH', `/accounts/${id}`, { readRetentionDays: 12 });
    await refreshList();
    // The refreshed account is on the card: the field not touched shows it, the typed one is kept.
    await card.getByText('reads kept 12 days').waitFor();
    expect(await days.inputValue()).toBe('12');
    expect(await email.inputValue()).toBe('typing@example.com');
    expect(await card.innerText()).toMatch(/owner@example\.com/); // not saved yet

    await card.getByRole('button', { name: 'Save settings' }).click();
    await card.getByRole('status').getByText('settings saved').waitFor();
    await card.getByText('typing@example.com', { exact: true }).waitFor();
    expect(await email.inputValue()).toBe('typing@example.com');
    expect(await days.inputValue()).toBe('12');
    const saved =
      await admin<{ username: string; email: string; readRetentionDays: number }[]>('/accounts');
    expect(saved.find((a) => a.username === owner)).toMatchObject({
      email: 'typing@example.com',
      readRetentionDays: 12,
    });

    // Once saved, the fields show the account again: a change made elsewhere comes with the next
    // refresh (and puts back what the steps below expect).
    await adminSend('PATCH', `/accounts/${id}`, {
      email: 'owner@example.com',
      readRetentionDays: 30,
    });
    await refreshList();
    await card.getByText('reads kept 30 days').waitFor();
    expect(await email.inputValue()).toBe('owner@example.com');
    expect(await days.inputValue()).toBe('30');
    // The contract form starts from the account's plan, and shows the plan signed after a save.
    expect(await card.getByLabel('Sign / renew on plan').inputValue()).toBe(plan);
    const other = `other-${run}`;
    await cliAsync('account', 'create', other);
    await op.reload();
    const otherCard = op.getByTestId(`account-${other}`);
    await otherCard.getByTestId('account-status').getByText('no contract').waitFor();
    await otherCard.getByLabel('Sign / renew on plan').selectOption(plan);
    await otherCard.getByRole('button', { name: 'Sign', exact: true }).click();
    await otherCard.getByTestId('account-status').getByText('active').waitFor();
    expect(await otherCard.getByLabel('Sign / renew on plan').inputValue()).toBe(plan);
  });

  it('edits a plan from what it is: Edit fills the form, mmc and redaction stay as they were', async () => {
    const rich = `rich-${run}`;
    const put = await fetch(`${base}/admin/plans`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: rich,
        totalCalls: 5000,
        indicativeYearlyQuota: 60000,
        callsPerSecond: 4,
        allowAboveQuota: true,
        aboveQuotaUnitPrice: 0.002,
        mmcIncluded: true,
        redactIncluded: true,
        maxUploadBytes: 5 * 1048576,
      }),
    });
    expect(put.status).toBe(200);
    await op.goto(`${base}/app/#/operator`);
    await op.reload();
    const row = op.getByTestId(`plan-${rich}`);
    expect(await row.innerText()).toMatch(/redaction/);
    await row.getByRole('button', { name: 'Edit' }).click();
    const planForm = op.getByTestId('plan-form');
    expect(await planForm.getByLabel('Name').inputValue()).toBe(rich);
    expect(await planForm.getByLabel('Calls a month').inputValue()).toBe('5000');
    expect(await planForm.getByLabel('Largest upload (MB)').inputValue()).toBe('5');
    expect(await planForm.getByLabel('Make, model, colour').isChecked()).toBe(true);
    expect(await planForm.getByLabel('Redaction').isChecked()).toBe(true);
    await planForm.getByLabel('EUR per call above quota').fill('0.0025');
    await planForm.getByRole('button', { name: 'Save plan' }).click();
    await row.getByText('0.0025 EUR above quota').waitFor();
    const plans = await admin<{ name: string }[]>('/plans');
    expect(plans.find((p) => p.name === rich)).toEqual({
      name: rich,
      totalCalls: 5000,
      indicativeYearlyQuota: 60000,
      callsPerSecond: 4,
      allowAboveQuota: true,
      aboveQuotaUnitPrice: 0.0025,
      mmcIncluded: true,
      redactIncluded: true,
      maxUploadBytes: 5 * 1048576,
    });
  });

  it('refuses console changes without the CSRF token', async () => {
    const cookies = await op.context().cookies();
    const session = cookies.find((c) => c.name === 'platewise_session')!;
    const res = await fetch(`${base}/account/operator/plans`, {
      method: 'PUT',
      headers: { Cookie: `${session.name}=${session.value}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'sneaky' }),
    });
    expect(res.status).toBe(403);
  });

  it('shows the owner month and year remaining, the limits and the price, amber at 80 %', async () => {
    for (let i = 0; i < 8; i++) {
      const form = new FormData();
      form.append('upload', new Blob([readFileSync(PHOTO)]), 'car.jpg');
      const res = await fetch(`${base}/v1/plate-reader/`, {
        method: 'POST',
        headers: { Authorization: `Token ${apiKey}` },
        body: form,
      });
      expect(res.status).toBe(201);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, owner, ownerPassword);
    await page.getByTestId('month-calls').waitFor();
    const text = (id: string) => page.getByTestId(id).innerText();
    expect(await text('month-calls')).toBe('8');
    expect(await text('month-limit')).toBe('10');
    expect(await text('month-left')).toBe('2');
    expect(await page.getByTestId('month-meter').getAttribute('data-level')).toBe('warn');
    expect(await text('year-calls')).toBe('8');
    expect(await text('year-limit')).toBe('12,000');
    expect(await text('year-left')).toBe('11,992');
    expect(await text('month-start')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await text('calls-per-second')).toBe('20');
    expect(await text('max-upload')).toBe('4 MB');
    expect(await text('unit-price')).toBe('0.004 EUR per call');
    expect(await page.getByLabel('E-mail notices to').inputValue()).toBe('owner@example.com');
    await page.getByTestId('notices').getByText('80 %').waitFor();
    await screenshot(page, '21-owner-overview');
    // The owner moves the notices elsewhere and is told they go there once it is confirmed.
    await page.getByLabel('E-mail notices to').fill('billing@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .getByText('Saved: a link was e-mailed to billing@example.com; notices go there once')
      .waitFor();
    await page.getByTestId('email-unconfirmed').waitFor();
    const saved = await admin<{ username: string; email: string | null }[]>('/accounts');
    expect(saved.find((a) => a.username === owner)?.email).toBe('billing@example.com');

    // The account keeps its reads (30 days, set at creation): the Reads page finds them, once
    // the worker has written its last batch (every 200 ms, after the answers).
    await waitFor(async () => {
      const stored = await fetch(`${base}/v1/reads/?limit=10`, {
        headers: { Authorization: `Token ${apiKey}` },
      });
      return ((await stored.json()) as { results: unknown[] }).results.length === 8;
    }, 15_000);
    await page.goto(`${base}/app/#/reads`);
    await page.getByLabel('Plate').fill('5EZP6B1'); // B for 3: one character off
    await page.getByLabel('Match').selectOption('lookalike');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('read').first().waitFor();
    expect(await page.getByTestId('read').count()).toBe(8);
    expect(await page.getByTestId('read').first().innerText()).toMatch(/5EZP631/);
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    const csv = await (await page.request.get(`${base}${href}`)).text();
    expect(csv.trim().split('\n')).toHaveLength(1 + 8);
    expect(csv).toMatch(/^read_at,timestamp,plate,score,region,vehicle,camera_id,request_type\n/);
    await screenshot(page, '23-reads');

    await page.goto(`${base}/app/#/watchlists`);
    await page.getByLabel('Plate').fill('ABC-123');
    await page.getByLabel('Label').fill('stolen van');
    await page.getByRole('button', { name: 'Watch' }).click();
    await page.getByTestId('watchlist').getByText('ABC123').waitFor();
    const watched = await (
      await fetch(`${base}/v1/watchlists/`, { headers: { Authorization: `Token ${apiKey}` } })
    ).json();
    expect(watched).toMatchObject([{ plate: 'abc123', label: 'stolen van', match: 'exact' }]);
    await page.close();
  }, 120_000); // eight recognition calls, on a machine that may be busy

  it("shows an operator one account's usage, keys and webhooks as the admin API does; an owner gets 403", async () => {
    // A second key and a webhook, so each list has more than one thing to compare.
    const headers = { Authorization: `Token ${apiKey}`, 'Content-Type': 'application/json' };
    const hook = await fetch(`${base}/v1/webhooks/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ target: `http://${ALLOWED_HOST}:9/plates`, include_image: true }),
    });
    expect(hook.status).toBe(201);
    const accounts = await admin<{ id: string; username: string }[]>('/accounts');
    const id = accounts.find((a) => a.username === owner)!.id;
    await cliAsync('key', 'issue', owner, '--label', 'second gate');

    await op.goto(`${base}/app/#/operator`);
    await op
      .getByTestId(`account-${owner}`)
      .getByRole('button', { name: 'Usage, keys, webhooks' })
      .click();
    const view = op.getByTestId('inspection');
    await view.getByTestId('inspection-webhook').first().waitFor();

    type Usage = { days: unknown[]; totals: Record<string, { count: number; aboveQuota: number }> };
    type Key = {
      id: string;
      prefix: string;
      label: string;
      created: string;
      revoked: string | null;
      lastUsed: string | null;
    };
    type Hook = { id: number; target: string; include_image: boolean; created: string };
    const [usage, keys, hooks] = await Promise.all([
      admin<Usage>(`/accounts/${id}/usage`),
      admin<Key[]>(`/accounts/${id}/keys`),
      admin<Hook[]>(`/accounts/${id}/webhooks`),
    ]);
    expect(usage.totals.plate_reader.count).toBe(8);
    for (const type of ['plate_reader', 'redact', 'stream']) {
      const row = view.getByTestId(`inspection-usage-${type}`);
      expect(await row.getByTestId('count').innerText()).toBe(String(usage.totals[type].count));
      expect(await row.getByTestId('above-quota').innerText()).toBe(
        String(usage.totals[type].aboveQuota),
      );
    }
    // The chart has every day of the 30 the API covers, and draws the calls the API counts.
    expect(await view.getByTestId('usage-chart').getAttribute('data-days')).toBe('30');
    expect(await view.getByTestId('usage-chart').getAttribute('data-calls')).toBe(
      String(usage.totals.plate_reader.count),
    );
    const rows = (testId: string, idAttr: string) =>
      view.getByTestId(testId).evaluateAll(
        (els, attr) =>
          els.map((e) => ({
            id: e.getAttribute(attr),
            text: e.textContent,
            times: [...e.querySelectorAll('time')].map((t) => t.getAttribute('datetime')),
          })),
        idAttr,
      );
    const keyRows = await rows('inspection-key', 'data-key-id');
    expect(keys).toHaveLength(2);
    expect(keyRows.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    keys.forEach((k, i) => {
      expect(keyRows[i].text).toContain(`${k.prefix}…`);
      expect(keyRows[i].text).toContain(k.label);
      expect(keyRows[i].times).toEqual([
        k.created,
        ...(k.lastUsed ? [k.lastUsed] : []),
        ...(k.revoked ? [k.revoked] : []),
      ]);
      expect(keyRows[i].text).toContain(k.lastUsed ? 'last used ' : 'last used never');
    });
    // The owner's key made the calls above; the one the CLI issued has made none.
    expect(keys.map((k) => k.lastUsed !== null)).toEqual([true, false]);
    const hookRows = await rows('inspection-webhook', 'data-webhook-id');
    expect(hooks).toHaveLength(1);
    expect(hookRows).toEqual(
      hooks.map((h) => ({
        id: String(h.id),
        text: expect.stringContaining(h.target),
        times: [h.created],
      })),
    );
    expect(hookRows[0].text).toContain('with image');
    // The notices the owner was sent (80 % of the month, from the calls above) are there too.
    await view.getByTestId('inspection-notices').getByText('80 %').waitFor();
    await op.getByTestId('audit').getByText(`${operator} account.inspect ${owner}`).waitFor();
    await screenshot(op, '24-operator-inspection');
    // Every account's notices and the audit trail say whose: the username, not an id or nothing.
    await op.reload();
    await op
      .getByTestId('op-notices')
      .getByText(new RegExp(`${owner} You have used 80 %`))
      .waitFor();
    await op
      .getByTestId('audit')
      .getByText(`${operator} contract.status ${owner}`)
      .first()
      .waitFor();

    // The same route for an owner's session: refused, with nothing of the account in the answer.
    const page = await browser.newPage();
    await signIn(page, owner, ownerPassword);
    const refused = await page.request.get(`${base}/account/operator/accounts/${id}/inspection`);
    expect(refused.status()).toBe(403);
    expect(await refused.text()).not.toContain(keys[0].prefix);
    expect(await page.getByRole('link', { name: 'Operator' }).count()).toBe(0);
    await page.close();
  });

  it('Try it: the plate text on each box, the raw answer in a JSON tab, and an mmc switch the plan refuses', async () => {
    const stats = async () =>
      (
        (await (
          await fetch(`${base}/v1/statistics/`, { headers: { Authorization: `Token ${apiKey}` } })
        ).json()) as { usage: { calls: number } }
      ).usage.calls;
    const before = await stats();
    ownerPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(ownerPage, owner, ownerPassword);
    const page = ownerPage;
    await page.goto(`${base}/app/#/try`);
    await page
      .getByLabel('Photo (choose or drop a file)')
      .setInputFiles({ name: 'car.jpg', mimeType: 'image/jpeg', buffer: readFileSync(PHOTO) });
    await page.getByRole('button', { name: 'Read plates' }).click();
    await page.getByTestId('plate-text').first().waitFor({ timeout: 45_000 });
    const listed = await page.getByTestId('plate-text').allInnerTexts();
    expect(listed).toContain('5EZP631');
    // One label per plate box, each on its box, with the same text as the list.
    expect(await page.getByTestId('box-plate').allTextContents()).toEqual(listed);
    expect(await page.locator('svg rect.plate-box').count()).toBe(listed.length);
    const [label, box] = await Promise.all([
      page.getByTestId('box-plate').first().boundingBox(),
      page.locator('svg rect.plate-box').first().boundingBox(),
    ]);
    expect(Math.abs(label!.x - box!.x)).toBeLessThan(2);
    expect(label!.y + label!.height).toBeLessThanOrEqual(box!.y + 1); // just above its box

    await page.getByRole('tab', { name: 'JSON' }).click();
    const raw = JSON.parse(await page.getByTestId('raw-json').innerText());
    expect(raw).toMatchObject({ processing_time: expect.any(Number), results: expect.any(Array) });
    expect(raw.results.map((r: { plate: string }) => r.plate.toUpperCase())).toEqual(listed);
    expect(await stats()).toBe(before + 1);

    // The plan has no mmc: the switch sends mmc=true, the 403's message is on the page, and
    // nothing is counted.
    await page.getByRole('switch', { name: 'Make, model, colour (mmc)' }).check();
    expect(await page.getByTestId('curl').innerText()).toContain('-F mmc=true');
    const answer = page.waitForResponse((r) => r.url().endsWith('/account/plate-reader'));
    await page.getByRole('button', { name: 'Read plates' }).click();
    const refused = await answer;
    expect(refused.status()).toBe(403);
    // The same photo and settings answered 201 above: the 403 is the mmc field's doing.
    expect(await refused.text()).toMatch(/\(mmc\) are not included in your plan/);
    await page
      .getByRole('alert')
      .getByText(/\(mmc\) are not included in your plan/)
      .waitFor();
    expect(await stats()).toBe(before + 1);
    await screenshot(page, '25-try-it-mmc-refused');
  });

  it("draws the month's allowance on the owner's chart and marks the calls above it", async () => {
    // 9 calls so far on a 10-call month: two more, the second above the quota.
    for (let i = 0; i < 2; i++) {
      const form = new FormData();
      form.append('upload', new Blob([readFileSync(PHOTO)]), 'car.jpg');
      const res = await fetch(`${base}/v1/plate-reader/`, {
        method: 'POST',
        headers: { Authorization: `Token ${apiKey}` },
        body: form,
      });
      expect(res.status).toBe(201);
    }
    const page = ownerPage;
    await page.goto(`${base}/app/#/overview`);
    await page.reload();
    const chart = page.getByTestId('month-chart');
    await chart.locator('canvas').waitFor();
    expect(await page.getByTestId('month-above').innerText()).toBe('1');
    expect(await chart.getAttribute('data-allowance')).toBe('10');
    expect(await chart.getAttribute('data-above-quota')).toBe('1');
    await waitFor(async () => (await chart.getAttribute('data-allowance-y')) !== null, 5_000);
    // Read the canvas itself: the allowance's violet along its row, and red above-quota bars.
    const drawn = await chart.evaluate((el) => {
      const canvas = el.querySelector('canvas')!;
      const ctx = canvas.getContext('2d')!;
      const y = Number(el.dataset.allowanceY);
      const { data, width } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const at = (x: number, row: number) =>
        data.slice((row * width + x) * 4, (row * width + x) * 4 + 4);
      const violet = ([r, g, b, a]: Uint8ClampedArray) =>
        a > 100 && Math.abs(r - 124) < 40 && Math.abs(g - 58) < 40 && Math.abs(b - 237) < 40;
      const red = ([r, g, b, a]: Uint8ClampedArray) => a > 100 && r > 180 && g < 90 && b < 90;
      let onLine = 0;
      let redPixels = 0;
      for (let x = 0; x < width; x++) {
        if ([-1, 0, 1].some((d) => violet(at(x, y + d)))) onLine++;
        for (let row = 0; row < canvas.height; row++) if (red(at(x, row))) redPixels++;
      }
      return { onLine, width, redPixels };
    });
    // A dashed line (8 on, 4 off) across the plot: well over half of the row is violet.
    expect(drawn.onLine).toBeGreaterThan(drawn.width * 0.4);
    expect(drawn.redPixels).toBeGreaterThan(20);
    await screenshot(page, '26-owner-month-chart');
    await page.close();
  });

  it('says on the Security page what an empty origin list does: exposeKey decides', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, owner, ownerPassword);
    await page.goto(`${base}/app/#/security`);
    const origins = page.getByLabel(/Allowed browser origins/);
    expect(await origins.inputValue()).toBe('');
    const expose = page.getByLabel(/Allow calls from pages of any other site/);
    expect(await expose.isChecked()).toBe(false);
    // As the page now says: no origins listed and exposeKey off refuse another site's pages.
    expect(await page.getByText(/empty: as exposeKey says/).count()).toBe(1);
    const fromElsewhere = await fetch(`${base}/v1/statistics/`, {
      headers: { Authorization: `Token ${apiKey}`, Origin: 'https://elsewhere.example' },
    });
    expect(fromElsewhere.status).toBe(403);
    await page.close();
  });

  it('keeps what the owner types on the Security page while the settings refresh, and the saved settings after a save', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, owner, ownerPassword);
    await page.goto(`${base}/app/#/security`);
    const origins = page.getByLabel(/Allowed browser origins/);
    const expose = page.getByLabel(/Allow calls from pages of any other site/);
    await origins.waitFor();
    const id = await accountId(owner);
    // A background refresh: the browser goes offline and back, and the page reads the settings again.
    const refresh = async () => {
      const read = page.waitForResponse(
        (r) => r.url().endsWith('/account/security') && r.request().method() === 'GET',
      );
      await page.context().setOffline(true);
      await page.context().setOffline(false);
      await read;
    };

    await origins.fill('app.example.com');
    await adminSend('PUT', `/accounts/${id}/security`, { exposeKey: true });
    await refresh();
    // The field not touched shows the refreshed setting; what was typed is kept.
    await waitFor(() => expose.isChecked(), 5_000);
    expect(await origins.inputValue()).toBe('app.example.com');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    expect(await admin(`/accounts/${id}/security`)).toMatchObject({
      exposeKey: true,
      domains: ['app.example.com'],
    });
    expect(await origins.inputValue()).toBe('app.example.com');

    // Once saved, the page shows the settings again: a change made elsewhere comes with the next
    // refresh (and puts back what the account had).
    await adminSend('PUT', `/accounts/${id}/security`, { exposeKey: false, domains: [] });
    await refresh();
    await waitFor(async () => !(await expose.isChecked()), 5_000);
    expect(await origins.inputValue()).toBe('');
    await page.close();
  });

  it('has no page that scrolls sideways at 390×844', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      storageState: await op.context().storageState(),
    });
    for (const name of PAGES) {
      await phone.goto(`${base}/app/#/${name}`);
      await phone.getByRole('heading', { level: 1 }).waitFor();
      await phone.waitForLoadState('networkidle');
      expect({ page: name, overflow: await sideways(phone) }).toEqual({ page: name, overflow: 0 });
    }
    // Every navigation link is on screen.
    const offscreen = await phone.evaluate(() =>
      [...document.querySelectorAll('nav a')]
        .filter((a) => a.getBoundingClientRect().right > window.innerWidth)
        .map((a) => a.textContent),
    );
    expect(offscreen).toEqual([]);
    await screenshot(phone, '22-phone-operator');
    await phone.close();
  });
});
