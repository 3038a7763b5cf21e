import { TableHead } from '../components/TableHead';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorText } from '../components/ErrorText';
import { UsageChart } from '../components/UsageChart';
import { count } from '../format';
import { dayProblem } from '../days';

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86_400_000));
const TYPES = ['plate_reader', 'redact', 'stream'];

interface DateFieldProps {
  label: string;
  value: string;
  min?: string;
  max?: string;
  /** error: the id of the message saying what is wrong with it, when something is */
  error?: string;
  onChange: (day: string) => void;
  /** what is wrong with what it holds (dayProblem), null once it holds a day again */
  onProblem: (problem: string | null) => void;
}

/**
 * A day of the range. Only a day that exists is taken: a date picker gives '' for 02/30/2026, and
 * a browser without one the text as typed, which `new Date` would read as March 2. Anything else is
 * said (onProblem) and the range stays as it was. Not held to `value` by React (defaultValue): set
 * back while the field holds no day, it threw away what was being typed; the page mounts a new
 * field when a preset changes the range.
 */
function DateField({ label, value, min, max, error, onChange, onProblem }: DateFieldProps) {
  return (
    <label>
      {label}
      <input
        type="date"
        defaultValue={value}
        min={min}
        max={max}
        aria-invalid={error ? true : undefined}
        aria-describedby={error}
        onChange={(e) => {
          const { value: day, validity } = e.target;
          const problem = dayProblem(label, { value: day, badInput: validity.badInput });
          onProblem(problem);
          if (!problem) onChange(day);
        }}
      />
    </label>
  );
}

/** Calls per day and request type over a chosen range, as a chart, a table and a CSV file. */
export function Usage() {
  const [range, setRange] = useState({ from: daysAgo(29), to: daysAgo(0) });
  const [problems, setProblems] = useState<{ from?: string | null; to?: string | null }>({});
  // Presets set the fields anew (they are not held to the range: DateField).
  const [presets, setPresets] = useState(0);
  const query = new URLSearchParams(range).toString();
  const { data, error } = useQuery({
    queryKey: ['usage', range],
    queryFn: () => api('/account/usage', { query }),
  });
  const preset = (days: number) => {
    setRange({ from: daysAgo(days - 1), to: daysAgo(0) });
    setProblems({});
    setPresets((n) => n + 1);
  };
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
          key={`from-${presets}`}
          label="From"
          value={range.from}
          max={range.to}
          error={problems.from ? 'usage-from-problem' : undefined}
          onChange={(from) => setRange((r) => ({ ...r, from }))}
          onProblem={(from) => setProblems((p) => ({ ...p, from }))}
        />
        <DateField
          key={`to-${presets}`}
          label="To"
          value={range.to}
          min={range.from}
          error={problems.to ? 'usage-to-problem' : undefined}
          onChange={(to) => setRange((r) => ({ ...r, to }))}
          onProblem={(to) => setProblems((p) => ({ ...p, to }))}
        />
        <a className="button" href={`/account/usage.csv?${query}`} download="platewise-usage.csv">
          Download CSV
        </a>
      </form>
      {(['from', 'to'] as const).map(
        (field) =>
          problems[field] && (
            <p key={field} id={`usage-${field}-problem`} className="error" role="alert">
              {problems[field]} Showing {range.from} to {range.to}.
            </p>
          ),
      )}
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
