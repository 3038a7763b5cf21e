import { Injectable, Logger } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '../errors';
import { randomBytes } from 'node:crypto';
import { AppConfig, PrismaService, type Webhook } from '@platewise/infra';
import { NotificationsService } from '../notifications/notifications.service';

export interface WebhookView {
  id: number;
  target: string;
  include_image: boolean;
  created: string;
}

export interface DeliveryView {
  event: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  duration_ms: number;
  created: string;
}

export interface AttemptResult {
  event: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  durationMs: number;
}

export const toWebhookView = (w: Webhook): WebhookView => ({
  id: w.id,
  target: w.target,
  include_image: w.includeImage,
  created: w.createdAt.toISOString(),
});

/** Webhook targets per account, their delivery log, and removal of targets that keep failing. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {}

  /** The caller has already checked the target against the address rules. Returns the secret once. */
  async create(
    accountId: string,
    target: string,
    includeImage: boolean,
  ): Promise<WebhookView & { secret: string }> {
    // Every call is delivered to every target, so targets are capped (WEBHOOK_MAX_TARGETS).
    const limit = this.config.WEBHOOK_MAX_TARGETS;
    if ((await this.prisma.webhook.count({ where: { accountId } })) >= limit) {
      throw new InvalidInputError(
        `An account may have at most ${limit} webhook targets; remove one before adding another.`,
      );
    }
    const secret = randomBytes(24).toString('hex');
    const hook = await this.prisma.webhook.create({
      data: { accountId, target, includeImage, secret },
    });
    return { ...toWebhookView(hook), secret };
  }

  async list(accountId: string): Promise<WebhookView[]> {
    const hooks = await this.prisma.webhook.findMany({
      where: { accountId },
      orderBy: { id: 'asc' },
    });
    return hooks.map(toWebhookView);
  }

  async find(webhookId: number): Promise<Webhook | null> {
    return this.prisma.webhook.findUnique({ where: { id: webhookId } });
  }

  async remove(accountId: string, webhookId: number): Promise<void> {
    const { count } = await this.prisma.webhook.deleteMany({ where: { id: webhookId, accountId } });
    if (count === 0) throw new NotFoundError(`no webhook ${webhookId} on this account`);
  }

  async deliveries(accountId: string, webhookId: number, limit = 100): Promise<DeliveryView[]> {
    const hook = await this.prisma.webhook.findFirst({ where: { id: webhookId, accountId } });
    if (!hook) throw new NotFoundError(`no webhook ${webhookId} on this account`);
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { webhookId },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.map((r) => ({
      event: r.event,
      attempt: r.attempt,
      status: r.status,
      ok: r.ok,
      error: r.error,
      duration_ms: r.durationMs,
      created: r.createdAt.toISOString(),
    }));
  }

  /**
   * Logs one attempt. A success resets the failure streak; half of WEBHOOK_MAX_FAILURES failures
   * in a row warn the owner, and WEBHOOK_MAX_FAILURES remove the hook and tell the owner (both
   * listed and e-mailed). Returns false once the hook is gone.
   */
  async recordAttempt(hook: Webhook, result: AttemptResult): Promise<boolean> {
    await this.prisma.webhookDelivery.create({ data: { webhookId: hook.id, ...result } });
    if (result.ok) {
      await this.prisma.webhook.update({
        where: { id: hook.id },
        data: { consecutiveFailures: 0 },
      });
      return true;
    }
    const updated = await this.prisma.webhook.update({
      where: { id: hook.id },
      data: { consecutiveFailures: { increment: 1 } },
    });
    const failures = updated.consecutiveFailures;
    const max = this.config.WEBHOOK_MAX_FAILURES;
    const lastError = result.error ?? `HTTP ${result.status}`;
    if (failures < max) {
      // Told once per streak: the streak passes this count once before it is reset or removed.
      if (max > 1 && failures === Math.ceil(max / 2)) {
        await this.notifications.notify(hook.accountId, {
          kind: 'webhook.failing',
          subject: `platewise: webhook ${hook.target} is failing`,
          message: `Webhook ${hook.id} (${hook.target}) failed ${failures} deliveries in a row; it is removed after ${max}. Last error: ${lastError}`,
        });
      }
      return true;
    }
    const message = `Webhook ${hook.id} (${hook.target}) was removed after ${failures} failed deliveries in a row; last error: ${lastError}`;
    const notice = {
      kind: 'webhook.removed' as const,
      subject: `platewise: webhook ${hook.target} removed`,
      message,
    };
    // The hook goes and its notice appears together; deliveries run in parallel, so only the one
    // that removed the hook tells the owner.
    const removed = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.webhook.deleteMany({ where: { id: hook.id } });
      if (count === 0) return false;
      return { mailTo: await this.notifications.record(tx, hook.accountId, notice) };
    });
    if (removed) {
      if (removed.mailTo) await this.notifications.send(removed.mailTo, notice);
      this.logger.warn(`account ${hook.accountId}: ${message}`);
    }
    return false;
  }
}
