import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@platewise/infra';

export interface AuditView {
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  created: string;
}

/** The operators' audit trail: one event per change made from the dashboard's console. */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async record(
    actor: { accountId: string; username: string },
    action: string,
    target: string | null,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.prisma.auditEvent.create({
      data: {
        actorId: actor.accountId,
        actor: actor.username,
        action,
        target,
        detail: detail as Prisma.InputJsonObject,
      },
    });
  }

  async list(limit = 200): Promise<AuditView[]> {
    const rows = await this.prisma.auditEvent.findMany({ orderBy: { id: 'desc' }, take: limit });
    return rows.map((r) => ({
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: r.detail as Record<string, unknown>,
      created: r.createdAt.toISOString(),
    }));
  }
}
