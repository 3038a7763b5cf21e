import { DayRangePipe } from './day-range.pipe';

describe('DayRangePipe', () => {
  const pipe = new DayRangePipe();

  it('passes days through and leaves absent ones out', () => {
    expect(pipe.transform({ from: '2025-02-01', to: '2025-02-11' })).toEqual({
      from: '2025-02-01',
      to: '2025-02-11',
    });
    expect(pipe.transform({ 'api-key': 'x' })).toEqual({ from: undefined, to: undefined });
  });

  it.each([
    [{ from: 'yesterday' }, /^from must be a day as YYYY-MM-DD in years 1 to 9999/],
    [{ to: '2025-02-30' }, /^to must be a day as YYYY-MM-DD/],
    [{ from: ['2025-02-01', '2025-02-02'] }, /^from must be a day as YYYY-MM-DD/],
    [{ from: '2025-2-1' }, /^from must be a day as YYYY-MM-DD/],
    // year 0 is no year (PostgreSQL refuses it), however Date reads it
    [{ from: '0000-01-01' }, /^from must be a day as YYYY-MM-DD/],
    [{ to: '0000-12-31' }, /^to must be a day as YYYY-MM-DD/],
    [{ from: '2025-02-12', to: '2025-02-11' }, /^from \(2025-02-12\) is after to/],
  ])('refuses %j', (query, message) => {
    expect(() => pipe.transform(query)).toThrow(message);
  });
});
