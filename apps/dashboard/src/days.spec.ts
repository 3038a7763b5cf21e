import { calendarDay, dayProblem } from './days';

describe('calendarDay', () => {
  it.each(['2026-02-28', '2024-02-29', '2026-12-31', '0001-01-01', '9999-12-31'])(
    'takes %s',
    (day) => {
      expect(calendarDay(day)).toBe(day);
    },
  );

  // new Date() reads 2026-02-30 as March 2 and takes year 0: neither is a day here.
  it.each([
    '2026-02-30',
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '0000-01-01',
    '2026-2-28',
    '20260228',
    '2026-02-28T00:00:00Z',
    'yesterday',
    '',
  ])('refuses %j', (text) => {
    expect(calendarDay(text)).toBeNull();
  });
});

describe('dayProblem', () => {
  it('says nothing of a day that exists', () => {
    expect(dayProblem('From', { value: '2026-02-28', badInput: false })).toBeNull();
  });

  it('refuses a day that does not exist, as a date picker and as text give it', () => {
    expect(dayProblem('From', { value: '', badInput: true })).toBe(
      'From: that day does not exist (such as February 30). Pick a day of the calendar.',
    );
    expect(dayProblem('To', { value: '2026-02-30', badInput: false })).toBe(
      'To: 2026-02-30 is not a day of the calendar. Enter one as YYYY-MM-DD, e.g. 2026-02-28.',
    );
    expect(dayProblem('To', { value: '', badInput: false })).toBe('To: enter a day.');
  });
});
