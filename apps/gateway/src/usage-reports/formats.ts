/** Date formats of the APIs being copied. */

/** Pl@ntNet: `Fri, 03 Jun 2022 13:32:13 GMT`. */
export const httpDate = (d: Date | null | undefined): string | null => (d ? d.toUTCString() : null);

/** Plate Recognizer `resets_on`: `2019-01-14T00:00:00Z`. */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Money rounded to cents, computed in integer micro-units to avoid float drift. */
export function estimateAmount(aboveQuotaCalls: number, unitPrice: number): number {
  const micro = Math.round(unitPrice * 1_000_000) * aboveQuotaCalls;
  return Math.round(micro / 10_000) / 100;
}
