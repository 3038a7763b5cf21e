import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { isoCalendarDay, isoDayMessage } from '@platewise/infra';

export interface DayRange {
  from?: string;
  to?: string;
}

/**
 * `from` and `to` of `/v2/quota/history` as days (YYYY-MM-DD, inclusive, UTC), checked rather than
 * ignored, as every day range of the services is (isoCalendarDay): a malformed or impossible date
 * (`2025-02-30`, year `0000`), or `from` after `to`, is a 400 naming the parameter. A pipe rather
 * than a DTO: the query also carries `api-key`, which a whitelisting DTO would refuse.
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
  const day = isoCalendarDay(value);
  if (day === null) throw new BadRequestException(isoDayMessage(name));
  return day;
}
