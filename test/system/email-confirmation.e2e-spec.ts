/**
 * A notice address is confirmed before anything is e-mailed to it, end to end: the built gateway
 * and worker, the real PostgreSQL and Redis, and a real SMTP server on loopback in this process.
 * The owner sets the address from the dashboard's routes (a session), the link in the one e-mail
 * it gets confirms it, and the notices (quota thresholds, told by stream events: no engine needed)
 * are held until then, and e-mailed to it once it is confirmed, each once. An address an operator
 * sets is trusted. The dashboard's side (the owner's overview, the page the link opens) runs in
 * Debian's chromium.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testPlan } from '../../libs/domain/src/test-support/test-plan';
import { launchChromium, screenshot } from './browser';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { smtpServer, type Mail } from './smtp-server';
import { ADMIN_TOKEN, waitFor } from './snapshot-support';
import { EXAMPLE_EVENT as EVENT } from '../../apps/gateway/src/stream/example-event';

const port = testPort();
const base = `http://127.0.0.1:${port}`;
const PASSWORD = 'owner password 123';
const CONFIRM_SUBJECT = 'platewise: confirm your address for notices';
const EIGHTY_SUBJECT = 'platewise: 80 % of your monthly calls used';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

describe('notice addresses are confirmed by link before notices are e-mailed to them', () => {
  let gateway: Running;
  let worker: Running;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let db: Client;
  // Five calls a month: the 4th is told "80 %", the 5th "used up" (95 % and 100 % share it).
  const plan = `five-${Date.now().toString(36)}`;
  const run = `${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  /** An address of this run, so the mails of earlier runs or other specs never count. */
  const address = (name: string) => `${name}-${run}@example.test`;

  const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const res = await fetch(`${base}${path}`, {
      ...rest,
      headers: {
        ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(rest.headers as Record<string, string>),
      },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: res.headers,
    } satisfies Answer;
  };
  const admin = (method: string, path: string, json?: unknown) =>
    call(`/admin${path}`, { method, json, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });

  /** An account on the five-call plan, signed in to the dashboard as its owner. */
  async function owner(name: string) {
    const created = await admin('POST', '/accounts', { username: `${name}-${run}`, plan });
    expect(created.status).toBe(201);
    const { account, apiKey } = created.body as { account: { id: string }; apiKey: string };
    expect(
      (await admin('PUT', `/accounts/${account.id}/password`, { password: PASSWORD })).status,
    ).toBe(204);
    const res = await fetch(`${base}/account/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: `${name}-${run}`, password: PASSWORD }),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    const { csrf } = (await res.json()) as { csrf: string };
    const session = { Cookie: cookie, 'X-CSRF-Token': csrf };
    return {
      id: account.id,
      setEmail: (email: string | null) =>
        call('/account/settings', { method: 'PATCH', json: { email }, headers: session }),
      settings: async () => (await call('/account/settings', { headers: session })).body,
      resend: () => call('/account/settings/confirmation', { method: 'POST', headers: session }),
      notices: async () =>
        (await call('/account/notifications', { headers: session })).body as unknown as {
          message: string;
        }[],
      /** One metered call (a stream event: counted, no engine), which may cross a threshold. */
      async callOnce() {
        const res = await fetch(`${base}/v1/stream/events`, {
          method: 'POST',
          headers: { Authorization: `Token ${apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(EVENT),
        });
        expect(res.status).toBe(201);
      },
    };
  }
  type Owner = Awaited<ReturnType<typeof owner>>;

  const confirm = (token: string) =>
    call('/account/confirm-email', { method: 'POST', json: { token } });
  const mailsTo = (to: string): Mail[] => smtp.mails.filter((m) => m.to === to);
  /** The token of the link in the `nth` confirmation e-mail to `to` (waits for it). */
  async function linkSentTo(to: string, nth = 1): Promise<string> {
    const confirmations = () => mailsTo(to).filter((m) => m.subject === CONFIRM_SUBJECT);
    await waitFor(() => confirmations().length >= nth, 20_000);
    const text = confirmations()[nth - 1]!.text;
    const link = /(\S+\/app\/#\/confirm-email\?token=)([A-Za-z0-9_-]+)/.exec(text);
    expect(link?.[1]).toBe(`${base}/app/#/confirm-email?token=`);
    return link![2]!;
  }
  /** Four calls: the 80 % notice is listed (then an e-mail of it would have been queued). */
  async function tellEightyPercent(o: Owner): Promise<void> {
    for (let i = 0; i < 4; i++) await o.callOnce();
    await waitFor(async () => (await o.notices()).some((n) => n.message.includes('80 %')), 10_000);
  }
  /** Lets the worker send whatever was queued, so a mail that should not come would be here. */
  const settle = () => new Promise((r) => setTimeout(r, 1500));
  /** As if the last confirmation e-mail were sent long ago: one is allowed every 5 minutes. */
  const pastTheLimit = (accountId: string) =>
    db.query(
      `UPDATE email_confirmations SET requested_at = requested_at - interval '10 minutes' WHERE account_id = $1`,
      [accountId],
    );

  beforeAll(async () => {
    smtp = await smtpServer();
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const env = {
      PORT: String(port),
      ADMIN_TOKEN,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'platewise <alpr@example.com>',
      PUBLIC_URL: base,
    };
    [gateway, worker] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
    expect((await admin('PUT', '/plans', testPlan({ name: plan, totalCalls: 5 }))).status).toBe(
      200,
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop()]);
    await db?.end();
    await smtp?.close();
  });

  it('sends one confirmation e-mail to a new address and e-mails it no notice until its link is followed; then the held notice arrives, once, and the next ones', async () => {
    const o = await owner('confirm');
    const to = address('owner');
    const set = await o.setEmail(to);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ email: to, emailConfirmed: false });
    const token = await linkSentTo(to);
    expect(mailsTo(to)[0]!.text).toMatch(
      /The platewise account "confirm-\S+" asks for its notices/,
    );

    // The 80 % notice is listed, and held: the address only ever got its confirmation.
    await tellEightyPercent(o);
    await settle();
    expect(mailsTo(to).map((m) => m.subject)).toEqual([CONFIRM_SUBJECT]);
    expect(gateway.output()).toContain(`not e-mailed: ${to} is not confirmed`);
    expect(await o.settings()).toMatchObject({ email: to, emailConfirmed: false });

    const confirmed = await confirm(token);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      username: `confirm-${run}`,
      email: to,
      heldNotices: 1,
    });
    expect(await o.settings()).toMatchObject({ email: to, emailConfirmed: true });

    // The 80 % notice held meanwhile is e-mailed now, saying when it was told.
    await waitFor(() => mailsTo(to).some((m) => m.subject === EIGHTY_SUBJECT), 20_000);
    const held = mailsTo(to).find((m) => m.subject === EIGHTY_SUBJECT)!;
    expect(held.text).toMatch(/^You have used 80 % of your monthly calls \(4 of 5 calls\)/);
    expect(held.text).toMatch(
      /Told on \d{4}-\d\d-\d\d \d\d:\d\d UTC, while this address was not yet confirmed: held until it was\./,
    );
    expect(held.text).toContain(`Your dashboard: ${base}/app/`);
    expect(worker.output()).not.toContain('not sent');

    // The 5th call uses the month up: that notice is e-mailed at once; the 80 % one not again.
    await o.callOnce();
    await waitFor(
      () => mailsTo(to).some((m) => m.subject === 'platewise: monthly calls used up'),
      20_000,
    );
    await settle();
    expect(mailsTo(to).map((m) => m.subject)).toEqual([
      CONFIRM_SUBJECT,
      EIGHTY_SUBJECT,
      'platewise: monthly calls used up',
    ]);
  }, 120_000);

  it('refuses a used, an expired and a forged token, each saying why', async () => {
    const used = await owner('used');
    await used.setEmail(address('used'));
    const token = await linkSentTo(address('used'));
    expect((await confirm(token)).status).toBe(200);
    const again = await confirm(token);
    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ reason: 'used' });
    expect(again.body.message).toMatch(
      /^This confirmation link was used already .*A link works once\.$/,
    );

    const old = await owner('expired');
    await old.setEmail(address('expired'));
    const stale = await linkSentTo(address('expired'));
    await db.query(
      `UPDATE email_confirmations SET expires_at = now() - interval '1 minute' WHERE account_id = $1`,
      [old.id],
    );
    const expired = await confirm(stale);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ reason: 'expired' });
    expect(expired.body.message).toMatch(/^This confirmation link expired on .*48 hours/);
    expect(await old.settings()).toMatchObject({ emailConfirmed: false });

    // Made up, one character changed, or not a token at all: unknown, and nothing is confirmed.
    const changed = `${stale.slice(0, -1)}${stale.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [randomBytes(32).toString('base64url'), changed, 'abc', `${stale}x`]) {
      const refused = await confirm(forged);
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ reason: 'unknown' });
      expect(refused.body.message).toMatch(/^This confirmation link is not valid/);
    }
    expect(await old.settings()).toMatchObject({ emailConfirmed: false });
  }, 120_000);

  it('unconfirms an address changed again: its new link confirms it, the old one no longer works, and what was held goes to it', async () => {
    const o = await owner('change');
    await o.setEmail(address('first'));
    const first = await linkSentTo(address('first'));
    expect((await confirm(first)).status).toBe(200);

    // A second e-mail within 5 minutes is refused: nothing changes.
    const tooSoon = await o.setEmail(address('second'));
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(tooSoon.body.message).toMatch(/^A confirmation e-mail was sent less than 5 minutes ago/);
    expect(await o.settings()).toMatchObject({ email: address('first'), emailConfirmed: true });

    await pastTheLimit(o.id);
    const changed = await o.setEmail(address('second'));
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: address('second'), emailConfirmed: false });
    const second = await linkSentTo(address('second'));

    // Held again: the new address is not confirmed, and the old one is not the account's any more.
    await tellEightyPercent(o);
    await settle();
    expect(mailsTo(address('first'))).toHaveLength(1);
    expect(mailsTo(address('second')).map((m) => m.subject)).toEqual([CONFIRM_SUBJECT]);
    expect((await confirm(first)).status).toBe(404);

    expect((await confirm(second)).body).toMatchObject({ heldNotices: 1 });
    expect(await o.settings()).toMatchObject({ email: address('second'), emailConfirmed: true });
    // The notice held while the address changed goes to the one confirmed, once; none to the first.
    await waitFor(
      () => mailsTo(address('second')).some((m) => m.subject === EIGHTY_SUBJECT),
      20_000,
    );
    await settle();
    expect(mailsTo(address('second')).map((m) => m.subject)).toEqual([
      CONFIRM_SUBJECT,
      EIGHTY_SUBJECT,
    ]);
    expect(mailsTo(address('first'))).toHaveLength(1);
  }, 120_000);

  it("does not confirm an account's address with another account's token", async () => {
    const mine = await owner('mine');
    const theirs = await owner('theirs');
    await mine.setEmail(address('mine'));
    await theirs.setEmail(address('theirs'));
    const theirToken = await linkSentTo(address('theirs'));
    const myToken = await linkSentTo(address('mine'));

    // Their token confirms their address only, whoever posts it.
    const used = await confirm(theirToken);
    expect(used.body).toMatchObject({ username: `theirs-${run}`, email: address('theirs') });
    expect(await theirs.settings()).toMatchObject({ emailConfirmed: true });
    expect(await mine.settings()).toMatchObject({ email: address('mine'), emailConfirmed: false });
    await tellEightyPercent(mine);
    await settle();
    expect(mailsTo(address('mine')).map((m) => m.subject)).toEqual([CONFIRM_SUBJECT]);

    expect((await confirm(myToken)).status).toBe(200);
    expect(await mine.settings()).toMatchObject({ emailConfirmed: true });
    // What was held for mine goes to mine; theirs got nothing but its link.
    await waitFor(() => mailsTo(address('mine')).length === 2, 20_000);
    await settle();
    expect(mailsTo(address('mine')).map((m) => m.subject)).toEqual([
      CONFIRM_SUBJECT,
      EIGHTY_SUBJECT,
    ]);
    expect(mailsTo(address('theirs')).map((m) => m.subject)).toEqual([CONFIRM_SUBJECT]);
  }, 120_000);

  it('sends the link again at most once every 5 minutes; only the latest link works', async () => {
    const o = await owner('resend');
    await o.setEmail(address('resend'));
    const first = await linkSentTo(address('resend'));
    const tooSoon = await o.resend();
    expect(tooSoon.status).toBe(429);
    await pastTheLimit(o.id);
    expect((await o.resend()).status).toBe(202);
    const latest = await linkSentTo(address('resend'), 2);
    expect(latest).not.toBe(first);
    expect((await confirm(first)).status).toBe(404);
    expect((await confirm(latest)).status).toBe(200);
    const done = await o.resend();
    expect(done.status).toBe(409);
    expect(done.body.message).toMatch(/is confirmed already/);
  }, 120_000);

  it("trusts an operator's address: confirmed at once, no link sent, given what the owner's unconfirmed one held; and the same address again keeps it so", async () => {
    const created = await admin('POST', '/accounts', {
      username: `operator-set-${run}`,
      plan,
      email: address('operator-set'),
    });
    expect(created.body).toMatchObject({
      account: { email: address('operator-set'), emailConfirmed: true },
    });
    const o = await owner('operator-changed');
    await o.setEmail(address('owner-set'));
    const ownersLink = await linkSentTo(address('owner-set'));
    await tellEightyPercent(o);
    // The operator sets the address the customer gave them: confirmed, the owner's link dropped,
    // and the notice held for the owner's address e-mailed to it instead.
    const changed = await admin('PATCH', `/accounts/${o.id}`, {
      email: address('operator-changed'),
    });
    expect(changed.body).toMatchObject({
      email: address('operator-changed'),
      emailConfirmed: true,
    });
    expect((await confirm(ownersLink)).status).toBe(404);
    await waitFor(() => mailsTo(address('operator-changed')).length > 0, 20_000);
    await settle();
    expect(mailsTo(address('operator-set'))).toEqual([]);
    expect(mailsTo(address('operator-changed')).map((m) => m.subject)).toEqual([EIGHTY_SUBJECT]);
    expect(mailsTo(address('owner-set')).map((m) => m.subject)).toEqual([CONFIRM_SUBJECT]);
    // The owner saving the same address changes nothing.
    const same = await o.setEmail(address('operator-changed'));
    expect(same.body).toMatchObject({ emailConfirmed: true });
  }, 120_000);

  it('opens the link on a page that confirms on a press; the owner sees the address unconfirmed, the notice held for it, and sends the link again', async () => {
    const browser = await launchChromium();
    try {
      const o = await owner('browser');
      const to = address('browser');
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${base}/app/`);
      await page.getByLabel('Username').fill(`browser-${run}`);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('E-mail notices to').fill(to);
      await page.getByRole('button', { name: 'Save' }).click();
      await page
        .getByRole('status')
        .getByText(`Saved: a link was e-mailed to ${to}; notices go there once it is followed.`)
        .waitFor();
      expect(await page.getByTestId('email-unconfirmed').innerText()).toContain(
        `${to} is not confirmed: notices are listed here but not e-mailed`,
      );
      // A notice raised meanwhile is listed as held, waiting for that address.
      await tellEightyPercent(o);
      await page.reload();
      const eighty = page.getByTestId('notices').getByRole('listitem').filter({ hasText: '80 %' });
      await eighty.waitFor();
      expect(await eighty.getByTestId('notice-held').innerText()).toBe(
        `held: e-mailed once ${to} is confirmed`,
      );
      await screenshot(page, '41-notice-held');
      const first = await linkSentTo(to);
      await pastTheLimit(o.id);
      await page.getByRole('button', { name: 'Send the link again' }).click();
      await page.getByText('Sent: look in that mailbox.').waitFor();
      const latest = await linkSentTo(to, 2);
      expect(latest).not.toBe(first);

      // Whoever reads the mailbox, signed in or not; opening the link alone confirms nothing.
      const reader = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await reader.goto(`${base}/app/#/confirm-email?token=${latest}`);
      await reader.getByRole('heading', { name: 'Confirm your address for notices' }).waitFor();
      expect(await o.settings()).toMatchObject({ emailConfirmed: false });
      await screenshot(reader, '40-confirm-email');
      await reader.getByRole('button', { name: 'Confirm' }).click();
      expect(await reader.getByTestId('confirmed').innerText()).toBe(
        `Confirmed: the notices of the account browser-${run} are e-mailed to ${to} from now on. The notice raised while it was unconfirmed is e-mailed to it now.`,
      );
      expect(await o.settings()).toMatchObject({ emailConfirmed: true });
      await reader.reload();
      await reader.getByRole('button', { name: 'Confirm' }).click();
      await reader
        .getByRole('alert')
        .getByText('This confirmation link was used already')
        .waitFor();

      await page.reload();
      await page.getByLabel('E-mail notices to').waitFor();
      expect(await page.getByLabel('E-mail notices to').inputValue()).toBe(to);
      expect(await page.getByTestId('email-unconfirmed').count()).toBe(0);
      // The held notice was e-mailed with the confirmation: still listed, no longer held.
      await eighty.waitFor();
      expect(await page.getByTestId('notice-held').count()).toBe(0);
      await waitFor(() => mailsTo(to).some((m) => m.subject === EIGHTY_SUBJECT), 20_000);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
