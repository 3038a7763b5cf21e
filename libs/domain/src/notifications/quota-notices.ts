import type { QuotaState } from '../quota/quota.service';
import type { Notice } from './notifications.service';

/** Shares of the monthly calls at which the owner is told, once per period each. */
export const QUOTA_THRESHOLDS = [80, 90, 95, 100] as const;

/**
 * The notice a call that brought the period's count to `state.usedThisPeriod` crosses, if any.
 * Each threshold is reached by exactly one call per period (the count goes up one at a time), and
 * the dedupe key makes a count given back and taken again not tell twice. On a small allowance
 * several thresholds fall on the same call (95 % and 100 % of 10 calls are both the 10th): only
 * the highest is told, so one call sends one e-mail and its figures match its words.
 */
export function quotaNotices(
  state: Pick<QuotaState, 'usedThisPeriod' | 'monthlyCalls' | 'periodEnd'>,
  periodStart: Date,
  plan?: { allowAboveQuota: boolean; aboveQuotaUnitPrice: number },
): Notice[] {
  const { usedThisPeriod: used, monthlyCalls: limit } = state;
  const reached = QUOTA_THRESHOLDS.filter((pct) => used === Math.ceil((limit * pct) / 100));
  return reached.slice(-1).map((pct) => {
    const figures = `${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} calls`;
    const period = `${periodStart.toISOString().slice(0, 10)} to ${state.periodEnd.toISOString().slice(0, 10)}`;
    return {
      kind: 'quota.threshold' as const,
      // The allowance is in the key: a plan changed within the period (on the day it began, or
      // edited) has thresholds of its own, told again.
      dedupeKey: `quota:${periodStart.toISOString()}:${limit}:${pct}`,
      subject:
        pct === 100
          ? 'platewise: monthly calls used up'
          : `platewise: ${pct} % of your monthly calls used`,
      message:
        pct === 100
          ? `You have used all of your monthly calls (${figures}) for the period ${period}.${plan ? ` ${whatNext(plan, state.periodEnd)}` : ''}`
          : `You have used ${pct} % of your monthly calls (${figures}) for the period ${period}.`,
    };
  });
}

/** What the owner's next calls get once the allowance is used up, so the notice says it. */
function whatNext(
  plan: { allowAboveQuota: boolean; aboveQuotaUnitPrice: number },
  periodEnd: Date,
): string {
  const resets = periodEnd.toISOString().slice(0, 10);
  return plan.allowAboveQuota
    ? `Further calls are served and billed at ${plan.aboveQuotaUnitPrice} EUR each until the allowance resets on ${resets}.`
    : `Further calls are refused (403) until the allowance resets on ${resets}.`;
}
