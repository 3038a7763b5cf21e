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
    [{ from: 'yesterday' }, /^from must be a date/],
    [{ to: '2025-02-30' }, /^to must be a date/],
    [{ from: ['2025-02-01', '2025-02-02'] }, /^from must be a date/],
    [{ from: '2025-2-1' }, /^from must be a date/],
    [{ from: '2025-02-12', to: '2025-02-11' }, /^from \(2025-02-12\) is after to/],
  ])('refuses %j', (query, message) => {
    expect(() => pipe.transform(query)).toThrow(message);
  });
});
