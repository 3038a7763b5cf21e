/**
 * What the caller may do now; sent back as IETF RateLimit / RateLimit-Policy headers. Its own
 * module: refusals (errors.ts) carry one, and the quota service that makes it throws them.
 */
export interface QuotaState {
  callsPerSecond: number;
  remainingThisSecond: number;
  monthlyCalls: number;
  usedThisPeriod: number;
  periodEnd: Date;
}
