/** Calendar arithmetic for contract and billing periods. All dates are UTC. */

export const DAY_MS = 86_400_000;

/** Midnight UTC of the given instant's day. */
export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** `YYYY-MM-DD` of the instant's UTC day. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The given day-of-month in (year, month), clamped to the month's length (31 Jan → 28/29 Feb). */
function clampedDay(year: number, month: number, day: number): Date {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay)));
}

export function addYears(at: Date, years: number): Date {
  return clampedDay(at.getUTCFullYear() + years, at.getUTCMonth(), at.getUTCDate());
}

/**
 * The monthly usage period containing `now`. Periods start on the contract's signature day of
 * month (like Plate Recognizer's `resets_on`), clamped to short months.
 */
export function monthlyPeriod(anchor: Date, now: Date): { start: Date; end: Date } {
  const day = anchor.getUTCDate();
  let start = clampedDay(now.getUTCFullYear(), now.getUTCMonth(), day);
  if (start.getTime() > now.getTime())
    start = clampedDay(now.getUTCFullYear(), now.getUTCMonth() - 1, day);
  const end = clampedDay(start.getUTCFullYear(), start.getUTCMonth() + 1, day);
  return { start, end };
}

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Every UTC day from `from` to `to` inclusive, newest first, as `YYYY-MM-DD` (as isoDay writes it). */
export function daysNewestFirst(from: Date, to: Date): string[] {
  const days: string[] = [];
  const first = startOfUtcDay(from).getTime();
  // One date walked back a day at a time and written from its parts: a contract has hundreds of
  // days, and toISOString per day was most of the history route's work.
  const day = startOfUtcDay(to);
  while (day.getTime() >= first) {
    days.push(
      `${String(day.getUTCFullYear()).padStart(4, '0')}-${twoDigits(day.getUTCMonth() + 1)}-${twoDigits(day.getUTCDate())}`,
    );
    day.setUTCDate(day.getUTCDate() - 1);
  }
  return days;
}
