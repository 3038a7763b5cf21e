import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../errors';
import { PrismaService, type Plan } from '@platewise/infra';

export interface PlanView {
  name: string;
  totalCalls: number;
  indicativeYearlyQuota: number;
  callsPerSecond: number;
  allowAboveQuota: boolean;
  aboveQuotaUnitPrice: number;
  mmcIncluded: boolean;
  /** POST /v1/redact/ allowed (refused with 403 otherwise) */
  redactIncluded: boolean;
  maxUploadBytes: number;
}

export function toPlanView(plan: Plan): PlanView {
  return {
    name: plan.name,
    totalCalls: plan.monthlyCalls,
    indicativeYearlyQuota: plan.indicativeYearlyQuota,
    callsPerSecond: plan.callsPerSecond,
    allowAboveQuota: plan.allowAboveQuota,
    aboveQuotaUnitPrice: plan.aboveQuotaUnitPrice.toNumber(),
    mmcIncluded: plan.mmcIncluded,
    redactIncluded: plan.redactIncluded,
    maxUploadBytes: plan.maxUploadBytes,
  };
}

@Injectable()
export class PlansService {
  constructor(private readonly prisma: PrismaService) {}

  async list(): Promise<PlanView[]> {
    const plans = await this.prisma.plan.findMany({ orderBy: { monthlyCalls: 'asc' } });
    return plans.map(toPlanView);
  }

  /**
   * Creates or updates a plan; contracts on it see the change on their next call. Without
   * `redactIncluded` a new plan has no redaction and an existing one keeps its setting.
   */
  async upsert(
    plan: Omit<PlanView, 'redactIncluded'> & { redactIncluded?: boolean },
  ): Promise<PlanView> {
    const data = {
      monthlyCalls: plan.totalCalls,
      indicativeYearlyQuota: plan.indicativeYearlyQuota,
      callsPerSecond: plan.callsPerSecond,
      allowAboveQuota: plan.allowAboveQuota,
      aboveQuotaUnitPrice: plan.aboveQuotaUnitPrice,
      mmcIncluded: plan.mmcIncluded,
      redactIncluded: plan.redactIncluded,
      maxUploadBytes: plan.maxUploadBytes,
    };
    const saved = await this.prisma.plan.upsert({
      where: { name: plan.name },
      create: { name: plan.name, ...data },
      update: data,
    });
    return toPlanView(saved);
  }

  async byName(name: string): Promise<Plan> {
    const plan = await this.prisma.plan.findUnique({ where: { name } });
    if (!plan) throw new NotFoundError(`no plan named "${name}"`);
    return plan;
  }
}
