import { daysNewestFirst, REQUEST_TYPES, type DailyRow } from '@platewise/domain';

export interface UsageDay {
  day: string;
  /** calls per request type */
  count: Record<string, number>;
  aboveQuota: Record<string, number>;
}

/** One entry per day from `from` to `to`, oldest first, days without calls included as zeros. */
export function fillDays(from: Date, to: Date, rows: DailyRow[]): UsageDay[] {
  const zero = () => Object.fromEntries(REQUEST_TYPES.map((t) => [t, 0]));
  const byDay = new Map<string, UsageDay>();
  for (const day of daysNewestFirst(from, to).reverse())
    byDay.set(day, { day, count: zero(), aboveQuota: zero() });
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (!entry) continue;
    entry.count[row.requestType] = row.count;
    entry.aboveQuota[row.requestType] = row.aboveQuota;
  }
  return [...byDay.values()];
}

/** `day,request_type,count,above_quota`, one line per day and request type. */
export function usageCsv(days: UsageDay[]): string {
  const lines = ['day,request_type,count,above_quota'];
  for (const d of days)
    for (const t of REQUEST_TYPES) lines.push(`${d.day},${t},${d.count[t]},${d.aboveQuota[t]}`);
  return lines.join('\n') + '\n';
}
