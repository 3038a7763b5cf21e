import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import {
  IsIsoDay,
  IsIsoInstant,
  isoCalendarDay,
  isoDayMessage,
  isoInstant,
  isoInstantMessage,
} from './iso-dates';

describe('isoInstant', () => {
  it.each([
    ['2026', '2026-01-01T00:00:00.000Z'],
    ['2026-12', '2026-12-01T00:00:00.000Z'],
    ['20261201', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01 10:00:00+02:00', '2026-12-01T08:00:00.000Z'],
    ['0001-01-01', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('reads %s', (value, iso) => {
    expect(isoInstant(value)?.toISOString()).toBe(iso);
  });

  it.each(['0000-01-01', '0000', '0001-01-01T00:00:00+01:00', '2026-02-30', '2026-W01', '2026-13'])(
    'refuses %s',
    (value) => {
      expect(isoInstant(value)).toBeNull();
    },
  );
});

describe('isoCalendarDay', () => {
  it.each(['2026-02-28', '2024-02-29', '0001-01-01', '9999-12-31'])('takes %s', (day) => {
    expect(isoCalendarDay(day)).toBe(day);
  });

  it.each([
    '0000-01-01',
    '2026-02-30',
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '10000-01-01',
    '2026-2-1',
    '20261201',
    '2026-W01',
    '2026-12-01T00:00:00Z',
    '',
    ['2026-01-01'],
    20260101,
  ])('refuses %j', (value) => {
    expect(isoCalendarDay(value)).toBeNull();
  });
});

class Range {
  @IsOptional()
  @IsIsoDay('from')
  from?: string;

  @IsOptional()
  @IsIsoInstant('at')
  at?: Date;
}

describe('IsIsoDay and IsIsoInstant', () => {
  const errors = (input: object) =>
    validateSync(plainToInstance(Range, input)).flatMap((e) => Object.values(e.constraints ?? {}));

  it('keeps a day as sent and gives an instant as a Date', () => {
    const range = plainToInstance(Range, { from: '2026-02-28', at: '2026-02-28T10:00:00+01:00' });
    expect(validateSync(range)).toEqual([]);
    expect(range.from).toBe('2026-02-28');
    expect(range.at).toEqual(new Date('2026-02-28T09:00:00Z'));
  });

  it('refuses an impossible or out-of-range date with one message naming the field', () => {
    expect(errors({ from: '2026-02-30' })).toEqual([isoDayMessage('from')]);
    expect(errors({ from: '0000-01-01' })).toEqual([isoDayMessage('from')]);
    expect(errors({ at: '2026-02-30' })).toEqual([isoInstantMessage('at')]);
    expect(errors({ at: '0000-01-01' })).toEqual([isoInstantMessage('at')]);
    expect(isoDayMessage('from')).toBe(
      'from must be a day as YYYY-MM-DD in years 1 to 9999, e.g. 2026-12-01',
    );
  });
});
