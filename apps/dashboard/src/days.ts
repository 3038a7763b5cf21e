// The gateway's own reading of dates (a pure module: no imports), bundled here too, so the page
// and the API refuse the same days.
import { utcTimestamp } from '../../../libs/infra/src/dates/utc-timestamp';

/**
 * A day as the usage range is sent (`YYYY-MM-DD`) that exists, in years 1 to 9999, the rule of
 * every day the gateway takes (isoCalendarDay); null otherwise. `new Date('2026-02-30')` is
 * March 2: a day is checked, never read by Date.
 */
export function calendarDay(text: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && utcTimestamp(text) !== null ? text : null;
}

/** What a date field holds: its value and whether the browser found no date in what was typed. */
export interface DateFieldState {
  value: string;
  /** `validity.badInput`: typed as a date that does not exist (02/30/2026), so `value` is '' */
  badInput: boolean;
}

/**
 * Why a date field does not hold a day, in words for the page; null when it holds one. A browser
 * with a date picker gives '' for a day that does not exist (and marks it badInput); one without
 * gives the text as typed.
 */
export function dayProblem(label: string, field: DateFieldState): string | null {
  if (field.value === '') {
    return field.badInput
      ? `${label}: that day does not exist (such as February 30). Pick a day of the calendar.`
      : `${label}: enter a day.`;
  }
  if (calendarDay(field.value)) return null;
  return `${label}: ${field.value} is not a day of the calendar. Enter one as YYYY-MM-DD, e.g. 2026-02-28.`;
}
