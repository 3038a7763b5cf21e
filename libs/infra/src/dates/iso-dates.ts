import { Transform } from 'class-transformer';
import { IsDate, ValidateBy } from 'class-validator';
import { utcTimestamp } from './utc-timestamp';

/**
 * The one reading of the dates and days the services take (the read history's bounds, usage and
 * quota history ranges, a contract's start; the HTTP routes, the CLI and the console alike), so
 * none takes what another refuses: an ISO 8601 form of a day that exists, in years 1 to 9999
 * (utcTimestamp). Before, each had its own check, and `0000-01-01` passed /v2/quota/history,
 * `2026-02-30` was rolled into March by the usage ranges, and the admin usage routes answered
 * 500 to both.
 */

/**
 * An ISO 8601 date or time as the instant it names, or null. Every calendar form a time column can
 * be searched by: `2026`, `2026-12`, `2026-12-01`, `20261201`, with a time (`T` or a space,
 * seconds and fraction optional) and a zone (`Z`, `+02:00`, `+0200`, `+02`; none is UTC), from
 * year 1 to 9999, what PostgreSQL and JavaScript both hold. Years 1–999 are read as written:
 * class-validator's check read `0001-01-01` as 2001 and refused it, and let week and ordinal
 * dates through that Date cannot parse.
 */
export function isoInstant(value: string): Date | null {
  const reduced = /^(\d{4})(?:-(\d{2}))?$/.exec(value);
  const utc = utcTimestamp(reduced ? `${reduced[1]}-${reduced[2] ?? '01'}-01` : value);
  return utc === null ? null : new Date(utc);
}

/** The form a day of a range is given in: a calendar date, UTC. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A day as `YYYY-MM-DD` that exists, in years 1 to 9999 (isoInstant), or null: `2026-02-30` is
 * refused, not rolled into March as `new Date` does.
 */
export function isoCalendarDay(value: unknown): string | null {
  return typeof value === 'string' && DAY.test(value) && isoInstant(value) ? value : null;
}

/** The 400 of a date or time a route refused. */
export const isoInstantMessage = (name: string) =>
  `${name} must be an ISO 8601 date or time in years 1 to 9999, e.g. 2026-12-01 or 2026-12-01T10:00:00Z`;

/** The 400 of a day a route refused. */
export const isoDayMessage = (name: string) =>
  `${name} must be a day as YYYY-MM-DD in years 1 to 9999, e.g. 2026-12-01`;

/**
 * A field that is an ISO 8601 date or time (isoInstant), given to the route or use case as a
 * Date; anything else is a 400 naming the field and the forms it takes.
 */
export const IsIsoInstant = (name: string): PropertyDecorator => {
  const transform = Transform(({ value }) =>
    typeof value === 'string' ? (isoInstant(value) ?? value) : value,
  );
  const check = IsDate({ message: isoInstantMessage(name) });
  return (target, key) => {
    transform(target, key);
    check(target, key);
  };
};

/**
 * A field that is a day (isoCalendarDay), kept as its `YYYY-MM-DD`; anything else is a 400
 * naming the field.
 */
export const IsIsoDay = (name: string): PropertyDecorator =>
  ValidateBy({
    name: 'isIsoDay',
    validator: {
      validate: (value) => isoCalendarDay(value) !== null,
      defaultMessage: () => isoDayMessage(name),
    },
  });
