import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '../errors';
import { PrismaService, type Contract, type ContractStatus, type Plan } from '@platewise/infra';
import { PlansService } from '../plans/plans.service';
import { addYears, startOfUtcDay } from './periods';

export type ContractWithPlan = Contract & { plan: Plan };

/** The contract in force first (see ContractsService). */
const NEWEST_FIRST = [{ latestSignatureDate: 'desc' as const }, { createdAt: 'desc' as const }];

export const CONTRACT_STATUSES: ContractStatus[] = ['active', 'expired', 'suspended'];

/** A contract past its next signature date is expired whatever its stored status says. */
export function effectiveStatus(contract: Contract, now: Date = new Date()): ContractStatus {
  if (contract.status === 'active' && now.getTime() >= contract.nextSignatureDate.getTime())
    return 'expired';
  return contract.status;
}

/**
 * Contracts are yearly. Each signature (the first one and every renewal) is one row, so the rows
 * are the contract's periods; the newest row is the contract in force: the latest signature day,
 * and of two signed the same day (a plan changed on the day its period began) the later one.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly plans: PlansService,
  ) {}

  /** Signs a first contract or renews the current one on `planName`, starting on `date`'s day. */
  async sign(
    accountId: string,
    planName: string,
    date: Date = new Date(),
  ): Promise<ContractWithPlan> {
    const plan = await this.plans.byName(planName);
    return this.prisma.$transaction((tx) => this.signOn(tx, accountId, plan, date));
  }

  /**
   * Signs inside the caller's transaction, so a contract and the change that needs it (a new
   * account) are written together or not at all.
   */
  async signOn(
    tx: Pick<PrismaService, 'contract'>,
    accountId: string,
    plan: Plan,
    date: Date = new Date(),
  ): Promise<ContractWithPlan> {
    const start = startOfUtcDay(date);
    // The newest signature is the contract in force: one dated later would be in force (and the
    // one it replaces expired) before it began, its months counted from the wrong day.
    if (start.getTime() > startOfUtcDay(new Date()).getTime())
      throw new InvalidInputError('a contract cannot start after today: sign it on its first day');
    const current = await tx.contract.findFirst({ where: { accountId }, orderBy: NEWEST_FIRST });
    if (current && start.getTime() < current.latestSignatureDate.getTime()) {
      throw new InvalidInputError('a renewal cannot start before the current contract period');
    }
    if (current && current.status === 'active') {
      await tx.contract.update({ where: { id: current.id }, data: { status: 'expired' } });
    }
    return tx.contract.create({
      data: {
        accountId,
        planId: plan.id,
        status: 'active',
        firstSignatureDate: current?.firstSignatureDate ?? start,
        latestSignatureDate: start,
        nextSignatureDate: addYears(start, 1),
      },
      include: { plan: true },
    });
  }

  async setStatus(accountId: string, status: ContractStatus): Promise<ContractWithPlan> {
    if (!CONTRACT_STATUSES.includes(status)) {
      throw new InvalidInputError(`status must be one of ${CONTRACT_STATUSES.join(', ')}`);
    }
    const current = await this.current(accountId);
    if (!current) throw new NotFoundError('this account has no contract');
    // Past its period a contract stays expired whatever its status: "active" would change nothing.
    if (status === 'active' && effectiveStatus({ ...current, status: 'active' }) === 'expired')
      throw new InvalidInputError(
        `this contract expired on ${current.nextSignatureDate.toISOString().slice(0, 10)}: sign a renewal to reactivate it`,
      );
    return this.prisma.contract.update({
      where: { id: current.id },
      data: { status },
      include: { plan: true },
    });
  }

  async current(accountId: string): Promise<ContractWithPlan | null> {
    return this.prisma.contract.findFirst({
      where: { accountId },
      orderBy: NEWEST_FIRST,
      include: { plan: true },
    });
  }

  /** Every period, oldest first. */
  async periods(accountId: string): Promise<ContractWithPlan[]> {
    return this.prisma.contract.findMany({
      where: { accountId },
      orderBy: [{ latestSignatureDate: 'asc' }, { createdAt: 'asc' }],
      include: { plan: true },
    });
  }
}

export interface ContractView {
  plan: string;
  status: ContractStatus;
  firstSignatureDate: string;
  latestSignatureDate: string;
  nextSignatureDate: string;
}

export function toContractView(contract: ContractWithPlan, now: Date = new Date()): ContractView {
  return {
    plan: contract.plan.name,
    status: effectiveStatus(contract, now),
    firstSignatureDate: contract.firstSignatureDate.toISOString(),
    latestSignatureDate: contract.latestSignatureDate.toISOString(),
    nextSignatureDate: contract.nextSignatureDate.toISOString(),
  };
}
