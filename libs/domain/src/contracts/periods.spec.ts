import { addYears, DAY_MS, daysNewestFirst, isoDay, monthlyPeriod, startOfUtcDay } from './periods';

const d = (s: string) => new Date(s);

describe('monthlyPeriod', () => {
  it('starts on the signature day of the current month once it has passed', () => {
    const p = monthlyPeriod(d('2022-06-14T00:00:00Z'), d('2026-11-22T10:00:00Z'));
    expect(p.start.toISOString()).toBe('2026-11-14T00:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-12-14T00:00:00.000Z');
  });

  it('starts in the previous month before the signature day', () => {
    const p = monthlyPeriod(d('2022-06-25T00:00:00Z'), d('2026-11-22T10:00:00Z'));
    expect(p.start.toISOString()).toBe('2026-10-25T00:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-11-25T00:00:00.000Z');
  });

  it('clamps the 31st to short months and crosses years', () => {
    const feb = monthlyPeriod(d('2024-01-31T00:00:00Z'), d('2025-02-28T12:00:00Z'));
    expect(feb.start.toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(feb.end.toISOString()).toBe('2025-03-31T00:00:00.000Z');
    const jan = monthlyPeriod(d('2024-12-20T00:00:00Z'), d('2025-01-05T00:00:00Z'));
    expect(jan.start.toISOString()).toBe('2024-12-20T00:00:00.000Z');
    expect(jan.end.toISOString()).toBe('2025-01-20T00:00:00.000Z');
  });

  it('treats the reset instant as the start of the new period', () => {
    const p = monthlyPeriod(d('2022-06-14T00:00:00Z'), d('2026-11-14T00:00:00Z'));
    expect(p.start.toISOString()).toBe('2026-11-14T00:00:00.000Z');
  });
});

describe('calendar helpers', () => {
  it('adds years, clamping 29 February', () => {
    expect(addYears(d('2024-02-29T00:00:00Z'), 1).toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(addYears(d('2022-06-03T00:00:00Z'), 1).toISOString()).toBe('2023-06-03T00:00:00.000Z');
  });

  it('lists days newest first, inclusive', () => {
    expect(daysNewestFirst(d('2025-02-08T10:00:00Z'), d('2025-02-11T01:00:00Z'))).toEqual([
      '2025-02-11',
      '2025-02-10',
      '2025-02-09',
      '2025-02-08',
    ]);
    expect(startOfUtcDay(d('2025-02-08T23:59:59Z')).toISOString()).toBe('2025-02-08T00:00:00.000Z');
  });

  it('writes every day as isoDay does, across month ends, leap days and years', () => {
    const from = d('2023-12-15T12:00:00Z');
    const to = d('2028-03-02T08:00:00Z');
    const expected: string[] = [];
    for (let t = startOfUtcDay(to).getTime(); t >= startOfUtcDay(from).getTime(); t -= DAY_MS)
      expected.push(isoDay(new Date(t)));
    expect(daysNewestFirst(from, to)).toEqual(expected);
    expect(expected).toContain('2024-02-29');
    expect(daysNewestFirst(to, from)).toEqual([]);
  });
});
