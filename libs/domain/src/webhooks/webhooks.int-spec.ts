/** WebhooksService.recordAttempt on the real PostgreSQL: the delivery log and the failure streak. */
import { PrismaService } from '@platewise/infra';
import { NotificationsService } from '../notifications/notifications.service';
import { domainContext } from '../test-support/domain-context';
import { AttemptResult, WebhooksService } from './webhooks.service';

const attempt = (ok: boolean, n: number): AttemptResult => ({
  event: 'image.done',
  attempt: n,
  status: ok ? 200 : 500,
  ok,
  error: ok ? null : 'HTTP 500',
  durationMs: 12,
});

describe('WebhooksService.recordAttempt', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    ctx = await domainContext({ WEBHOOK_MAX_FAILURES: '3' });
    webhooks = ctx.app.get(WebhooksService);
  });
  afterAll(() => ctx.close());

  async function hook() {
    const { accountId } = await ctx.account();
    const created = await webhooks.create(accountId, 'https://hooks.example.com/in', false);
    return { accountId, hook: (await webhooks.find(created.id))! };
  }

  it('logs every attempt, newest first, and a success resets the failure streak', async () => {
    const { accountId, hook: h } = await hook();
    expect(await webhooks.recordAttempt(h, attempt(false, 1))).toBe(true);
    expect(await webhooks.recordAttempt(h, attempt(false, 2))).toBe(true);
    expect(await webhooks.recordAttempt(h, attempt(true, 3))).toBe(true);
    expect((await webhooks.find(h.id))?.consecutiveFailures).toBe(0);
    const log = await webhooks.deliveries(accountId, h.id);
    expect(log.map((d) => [d.attempt, d.ok, d.status])).toEqual([
      [3, true, 200],
      [2, false, 500],
      [1, false, 500],
    ]);
  });

  it('warns at half of WEBHOOK_MAX_FAILURES, removes the hook at it and notifies its owner', async () => {
    const { accountId, hook: h } = await hook();
    expect(await webhooks.recordAttempt(h, attempt(false, 1))).toBe(true);
    expect(await webhooks.recordAttempt(h, attempt(false, 2))).toBe(true);
    expect(await webhooks.recordAttempt(h, attempt(false, 3))).toBe(false);
    expect(await webhooks.find(h.id)).toBeNull();
    const notes = await ctx.app.get(NotificationsService).list(accountId);
    expect(notes.map((n) => n.kind)).toEqual(['webhook.removed', 'webhook.failing']);
    expect(notes[1].message).toMatch(/failed 2 deliveries in a row; it is removed after 3/);
    expect(notes[0].message).toMatch(
      /removed after 3 failed deliveries in a row; last error: HTTP 500/,
    );
    // The log went with the hook (cascade).
    expect(
      await ctx.app.get(PrismaService).webhookDelivery.count({ where: { webhookId: h.id } }),
    ).toBe(0);
  });
});
