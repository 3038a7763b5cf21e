import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** Days a history range may be given in (`from`, `to`): a calendar date, inclusive, UTC. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DayRange {
  from?: string;
  to?: string;
}

/**
 * `from` and `to` of `/v2/quota/history` as days (YYYY-MM-DD), checked rather than ignored: a
 * malformed or impossible date, or `from` after `to`, is a 400 naming the parameter.
 */
@Injectable()
export class DayRangePipe implements PipeTransform<Record<string, unknown>, DayRange> {
  transform(query: Record<string, unknown>): DayRange {
    const range: DayRange = { from: day(query, 'from'), to: day(query, 'to') };
    if (range.from && range.to && range.from > range.to)
      throw new BadRequestException(`from (${range.from}) is after to (${range.to})`);
    return range;
  }
}

function day(query: Record<string, unknown>, name: 'from' | 'to'): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  const valid =
    typeof value === 'string' &&
    DAY.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!valid)
    throw new BadRequestException(`${name} must be a date as YYYY-MM-DD, e.g. 2025-02-11`);
  return value;
}
