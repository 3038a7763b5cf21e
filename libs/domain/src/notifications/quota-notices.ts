import type { QuotaState } from '../quota/quota.service';
import type { Notice } from './notifications.service';

/** Shares of the monthly calls at which the owner is told, once per period each. */
export const QUOTA_THRESHOLDS = [80, 90, 95, 100] as const;

/**
 * The notices a call that brought the period's count to `state.usedThisPeriod` crosses. Each
 * threshold is reached by exactly one call per period (the count goes up one at a time), and the
 * dedupe key makes a count given back and taken again not tell twice.
 */
export function quotaNotices(
  state: Pick<QuotaState, 'usedThisPeriod' | 'monthlyCalls' | 'periodEnd'>,
  periodStart: Date,
): Notice[] {
  const { usedThisPeriod: used, monthlyCalls: limit } = state;
  return QUOTA_THRESHOLDS.filter((pct) => used === Math.ceil((limit * pct) / 100)).map((pct) => {
    const figures = `${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} calls`;
    const period = `${periodStart.toISOString().slice(0, 10)} to ${state.periodEnd.toISOString().slice(0, 10)}`;
    return {
      kind: 'quota.threshold' as const,
      dedupeKey: `quota:${periodStart.toISOString()}:${pct}`,
      subject:
        pct === 100
          ? 'platewise: monthly calls used up'
          : `platewise: ${pct} % of your monthly calls used`,
      message:
        pct === 100
          ? `You have used all of your monthly calls (${figures}) for the period ${period}.`
          : `You have used ${pct} % of your monthly calls (${figures}) for the period ${period}.`,
    };
  });
}
