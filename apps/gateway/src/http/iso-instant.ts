import { utcTimestamp } from '@platewise/recognition';
import { Transform } from 'class-transformer';
import { IsDate } from 'class-validator';

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
  if (utc === null) return null;
  // An offset can move an instant out of the range (0001-01-01T00:00+01:00 is in year 0).
  const year = Number(utc.slice(0, utc.indexOf('-')));
  return year >= 1 && year <= 9999 ? new Date(utc) : null;
}

/**
 * A query parameter that is an ISO 8601 date or time (isoInstant), given to the route as a Date;
 * anything else is a 400 naming the parameter and the forms it takes.
 */
export const IsIsoInstant = (name: string): PropertyDecorator => {
  const transform = Transform(({ value }) =>
    typeof value === 'string' ? (isoInstant(value) ?? value) : value,
  );
  const check = IsDate({
    message: `${name} must be an ISO 8601 date or time in years 1 to 9999, e.g. 2026-12-01 or 2026-12-01T10:00:00Z`,
  });
  return (target, key) => {
    transform(target, key);
    check(target, key);
  };
};
