import { Injectable } from '@nestjs/common';
import { PrismaService } from '@platewise/infra';
import { DAY_MS } from '../contracts/periods';
import { Notice, NotificationsService } from './notifications.service';

/** Days before its end at which a contract's owner is reminded, the nearer one last. */
export const CONTRACT_REMINDER_DAYS = [30, 7] as const;
/** A contract that ended longer ago than this is not told about any more (a first run on old data). */
const ENDED_TOLD_WITHIN_MS = 7 * DAY_MS;

interface InForce {
  id: string;
  accountId: string;
  plan: string;
  nextSignatureDate: Date;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The notice a contract in force gets at `now`, if any: 30 and 7 days before it expires, and once
 * it has. Only the nearest is told (a first look 5 days before the end says 7 days, not 30 too);
 * the dedupe key makes each one told once per contract period.
 */
export function contractNotice(contract: InForce, now: Date): Notice | null {
  const end = contract.nextSignatureDate;
  const left = end.getTime() - now.getTime();
  const day = isoDay(end);
  const renew = 'Ask your operator to renew it.';
  if (left <= 0) {
    if (-left > ENDED_TOLD_WITHIN_MS) return null;
    return {
      kind: 'contract.expired',
      dedupeKey: `contract:${contract.id}:ended`,
      subject: 'platewise: your contract has expired',
      message: `Your contract (plan ${contract.plan}) expired on ${day}: calls are refused (403) until it is renewed. ${renew}`,
    };
  }
  const within = CONTRACT_REMINDER_DAYS.filter((days) => left <= days * DAY_MS).at(-1);
  if (within === undefined) return null;
  const days = Math.ceil(left / DAY_MS);
  return {
    kind: 'contract.expiring',
    dedupeKey: `contract:${contract.id}:${within}`,
    subject: `platewise: your contract expires on ${day}`,
    message: `Your contract (plan ${contract.plan}) expires on ${day}, in ${days} day${days === 1 ? '' : 's'}: from then, calls are refused (403) until it is renewed. ${renew}`,
  };
}

/**
 * Reminds owners that their contract is about to expire, or has: listed and e-mailed like every
 * notice. Run by the workers on a schedule (ContractReminderJob); each notice is told once.
 */
@Injectable()
export class ContractReminders {
  constructor(
    private readonly prisma: PrismaService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Tells what is due at `now`; returns how many notices were new. */
  async run(now: Date = new Date()): Promise<number> {
    const horizon = new Date(now.getTime() + CONTRACT_REMINDER_DAYS[0] * DAY_MS);
    const since = new Date(now.getTime() - ENDED_TOLD_WITHIN_MS);
    // The contract in force is each account's newest signature (ContractsService.current); one
    // suspended, or set expired by the operator, is not reminded of.
    const due = await this.prisma.$queryRaw<InForce[]>`
      SELECT id, "accountId", plan, "nextSignatureDate" FROM (
        SELECT DISTINCT ON (c.account_id) c.id, c.account_id AS "accountId", p.name AS plan,
               c.status::text AS status, c.next_signature_date AS "nextSignatureDate"
        FROM contracts c JOIN plans p ON p.id = c.plan_id
        ORDER BY c.account_id, c.latest_signature_date DESC, c.created_at DESC
      ) current
      WHERE status = 'active' AND "nextSignatureDate" <= ${horizon} AND "nextSignatureDate" > ${since}`;
    let told = 0;
    for (const contract of due) {
      const notice = contractNotice(contract, now);
      if (notice && (await this.notifications.notify(contract.accountId, notice))) told++;
    }
    return told;
  }
}
