import type { PlanView } from '../plans/plans.service';

/** A plan for tests: roomy limits (1,000 calls a month, 1,000 a second), `plan` over them. */
export function testPlan(plan: Partial<PlanView> & { name: string }): PlanView {
  return {
    totalCalls: 1000,
    indicativeYearlyQuota: 12000,
    callsPerSecond: 1000,
    allowAboveQuota: false,
    aboveQuotaUnitPrice: 0,
    mmcIncluded: false,
    redactIncluded: false,
    maxUploadBytes: 3145728,
    ...plan,
  };
}
