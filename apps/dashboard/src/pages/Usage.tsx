import { TableHead } from '../components/TableHead';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorText } from '../components/ErrorText';
import { UsageChart } from '../components/UsageChart';
import { count } from '../format';

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86_400_000));
const TYPES = ['plate_reader', 'redact', 'stream'];

interface DateFieldProps {
  label: string;
  value: string;
  min?: string;
  max?: string;
  onChange: (day: string) => void;
}

function DateField({ label, value, min, max, onChange }: DateFieldProps) {
  return (
    <label>
      {label}
      <input
        type="date"
        value={value}
        min={min}
        max={max}
        onChange={(e) => e.target.value && onChange(e.target.value)}
      />
    </label>
  );
}

/** Calls per day and request type over a chosen range, as a chart, a table and a CSV file. */
export function Usage() {
  const [range, setRange] = useState({ from: daysAgo(29), to: daysAgo(0) });
  const query = new URLSearchParams(range).toString();
  const { data, error } = useQuery({
    queryKey: ['usage', range],
    queryFn: () => api('/account/usage', { query }),
  });
  const preset = (days: number) => setRange({ from: daysAgo(days - 1), to: daysAgo(0) });
  // Every request type is a call of the account's allowance.
  const total =
    data?.days.reduce((n, d) => n + TYPES.reduce((m, t) => m + (d.count[t] ?? 0), 0), 0) ?? 0;
  return (
    <>
      <form className="range" onSubmit={(e) => e.preventDefault()} aria-label="Date range">
        <div role="group" aria-label="Presets">
          {[7, 30, 90].map((n) => (
            <button key={n} type="button" onClick={() => preset(n)}>
              Last {n} days
            </button>
          ))}
        </div>
        <DateField
          label="From"
          value={range.from}
          max={range.to}
          onChange={(from) => setRange({ ...range, from })}
        />
        <DateField
          label="To"
          value={range.to}
          min={range.from}
          onChange={(to) => setRange({ ...range, to })}
        />
        <a className="button" href={`/account/usage.csv?${query}`} download="platewise-usage.csv">
          Download CSV
        </a>
      </form>
      <ErrorText error={error} />
      {data && (
        <>
          <p>
            <span data-testid="usage-total">{count(total)}</span> calls in{' '}
            <span data-testid="usage-days">{data.days.length}</span> days ({data.from} to {data.to}
            ).
          </p>
          <UsageChart days={data.days} types={TYPES} />
          <details>
            <summary>Table</summary>
            <table>
              <caption className="visually-hidden">Calls per day</caption>

              <TableHead columns={['Day', ...TYPES, 'above quota']} />
              <tbody>
                {[...data.days].reverse().map((d) => (
                  <tr key={d.day}>
                    <th scope="row">{d.day}</th>
                    {TYPES.map((t) => (
                      <td key={t}>{d.count[t]}</td>
                    ))}
                    <td>{TYPES.reduce((n, t) => n + (d.aboveQuota[t] ?? 0), 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </>
  );
}
