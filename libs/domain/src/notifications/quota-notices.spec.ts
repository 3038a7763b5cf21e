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
    const told = Array.from({ length: 12 }, (_, i) => quotaNotices(state(i + 1, 10), start));
    expect(told.map((n) => n.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0]);
    expect(told[7]![0]!.message).toMatch(/used 80 % of your monthly calls \(8 of 10 calls\)/);
    expect(told[9]!.map((n) => n.dedupeKey)).toEqual([
      'quota:2026-01-01T00:00:00.000Z:95',
      'quota:2026-01-01T00:00:00.000Z:100',
    ]);
  });

  it('writes figures with thousands separators', () => {
    expect(quotaNotices(state(8000, 10000), start)[0]!.message).toMatch(/8,000 of 10,000 calls/);
  });
});
