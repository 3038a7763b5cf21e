import { quotaNotices } from './quota-notices';

const state = (used: number, limit: number) => ({
  callsPerSecond: 1,
  remainingThisSecond: 1,
  monthlyCalls: limit,
  usedThisPeriod: used,
  periodEnd: new Date('2026-02-01T00:00:00Z'),
});
const start = new Date('2026-01-01T00:00:00Z');

describe('quota notices', () => {
  it('tells at 80, 90, 95 % and at the limit, once each', () => {
    const told = Array.from({ length: 120 }, (_, i) => quotaNotices(state(i + 1, 100), start));
    expect(told.flatMap((n, i) => (n.length ? [i + 1] : []))).toEqual([80, 90, 95, 100]);
    expect(told[79]![0]!.message).toMatch(/used 80 % of your monthly calls \(80 of 100 calls\)/);
    expect(told[99]!.map((n) => n.dedupeKey)).toEqual(['quota:2026-01-01T00:00:00.000Z:100:100']);
  });

  it('tells one call one notice, the highest it reached, when thresholds share a call', () => {
    // 95 % and 100 % of 10 calls are both the 10th: one "used up", not "95 % (10 of 10)" too.
    const told = Array.from({ length: 12 }, (_, i) => quotaNotices(state(i + 1, 10), start));
    expect(told.map((n) => n.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]);
    expect(told[9]![0]).toMatchObject({
      subject: 'platewise: monthly calls used up',
      dedupeKey: 'quota:2026-01-01T00:00:00.000Z:10:100',
    });
    expect(told[7]![0]!.message).toMatch(/used 80 % of your monthly calls \(8 of 10 calls\)/);
    // A one-call plan: its only call is told once, as the limit.
    expect(quotaNotices(state(1, 1), start).map((n) => n.subject)).toEqual([
      'platewise: monthly calls used up',
    ]);
  });

  it('says at the limit what further calls get: refused, or billed at the plan price', () => {
    const [refused] = quotaNotices(state(10, 10), start, {
      allowAboveQuota: false,
      aboveQuotaUnitPrice: 0,
    });
    expect(refused!.message).toBe(
      'You have used all of your monthly calls (10 of 10 calls) for the period 2026-01-01 to 2026-02-01. Further calls are refused (403) until the allowance resets on 2026-02-01.',
    );
    const [billed] = quotaNotices(state(10, 10), start, {
      allowAboveQuota: true,
      aboveQuotaUnitPrice: 0.004,
    });
    expect(billed!.message).toMatch(
      /Further calls are served and billed at 0.004 EUR each until the allowance resets on 2026-02-01\.$/,
    );
  });

  it('tells the thresholds of a plan changed within the period, though the old one told its own', () => {
    // A trial (2,500) moved to pro (50,000) on the day its period began: the same period start.
    const trial = quotaNotices(state(2000, 2500), start)[0]!;
    const pro = quotaNotices(state(40000, 50000), start)[0]!;
    expect(trial.message).toMatch(/80 % .*2,000 of 2,500/);
    expect(pro.message).toMatch(/80 % .*40,000 of 50,000/);
    expect(pro.dedupeKey).not.toBe(trial.dedupeKey);
  });

  it('writes figures with thousands separators', () => {
    expect(quotaNotices(state(8000, 10000), start)[0]!.message).toMatch(/8,000 of 10,000 calls/);
  });
});
