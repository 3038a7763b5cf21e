/** Whole numbers with thousands separators, the same in every browser (2,500). */
export const count = (n: number) => n.toLocaleString('en-US');

/** A date (ISO or HTTP date) as YYYY-MM-DD. */
export const day = (date: string | null | undefined) =>
  date ? new Date(date).toISOString().slice(0, 10) : '—';

/** How full a meter is: amber from 80 %, red from 95 % (Plate Recognizer warns at 80, 90 and 95). */
export const level = (used: number, limit: number): 'ok' | 'warn' | 'full' => {
  const share = limit > 0 ? used / limit : 1;
  return share >= 0.95 ? 'full' : share >= 0.8 ? 'warn' : 'ok';
};

export const bytes = (n: number) =>
  n >= 1048576
    ? `${count(Math.round((n / 1048576) * 10) / 10)} MB`
    : `${count(Math.round(n / 1024))} kB`;
