/**
 * The Snapshot `timestamp` field, and every date or time the services take (iso-dates.ts). The
 * spec asks for ISO 8601 in UTC (`2019-08-19T13:11:25`); clients send every ISO 8601 form: with
 * `Z` or an offset (`+02:00`), fractions of a second, and the space-separated form Plate
 * Recognizer itself answers with (`2019-08-19 13:11:25.123456`). Each is read, moved to UTC, and
 * written one way: `2019-08-19T11:11:25.123456Z` (the fraction as sent, none when none was sent).
 * A date alone is that day's midnight, UTC. Only days that exist, in years 1 to 9999 once in UTC:
 * what PostgreSQL, JavaScript and Python's datetime (Plate Recognizer) all hold (PostgreSQL
 * refuses year 0, `0000-01-01`: "date/time field value out of range"). No imports: the dashboard
 * bundles this file too (apps/dashboard/src/days.ts), to refuse the days the gateway refuses.
 */
const ISO_8601 =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The timestamp in UTC (see above), or null when it is not an ISO 8601 date-time. */
export function utcTimestamp(value: string): string | null {
  const m = ISO_8601.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((x) => (x === undefined ? undefined : Number(x))) as number[];
  const fraction = m[7];
  const zone = m[8];
  if (zone && m[4] === undefined) return null; // an offset on a date alone means nothing
  const local = utcMillis(year, month, day, hour, minute, second);
  const back = new Date(local);
  // Date rolls 2019-02-30 over into March: a date that does not exist is refused.
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return null;
  const offsetMinutes = zone && zone.toUpperCase() !== 'Z' ? offsetOf(zone) : 0;
  if (offsetMinutes === null) return null;
  const utc = new Date(local - offsetMinutes * 60_000);
  // An offset can move an instant out of the range (0001-01-01T00:00+01:00 is in year 0).
  if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) return null;
  const date = `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}`;
  const time = `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}`;
  return `${date}T${time}${fraction ? `.${fraction}` : ''}Z`;
}

/** Date.UTC, but years 0–99 are those years, not 1900–1999 (.NET's unset date is 0001-01-01). */
function utcMillis(year: number, month: number, day: number, h: number, m: number, s: number) {
  const date = new Date(Date.UTC(2000, 0, 1, h, m, s));
  return date.setUTCFullYear(year, month - 1, day);
}

/** `+02:00`, `+0200` or `+02` as minutes east of UTC; null past ±14:00 or 59 minutes. */
function offsetOf(zone: string): number | null {
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 14 || minutes > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}
