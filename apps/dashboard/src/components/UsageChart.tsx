import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { UsageDay } from '../api';

// Six hex digits: the bars' fill appends an alpha byte to them.
const COLORS: Record<string, string> = {
  plate_reader: '#2563eb',
  redact: '#0d9488',
  stream: '#16a34a',
};
const OTHER = '#555555';
const DAY = 86_400;
const dayOf = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);

const ABOVE = '#dc2626';
export const ALLOWANCE_COLOR = '#7c3aed';
const RUNNING = '#0f172a';

interface Props {
  days: UsageDay[];
  types: string[];
  /**
   * The period's allowance (calls a month). When given, the days are one period: the chart adds
   * the calls so far in it (a running total) and the allowance as a level line, so the day the
   * total crosses it is where the red bars start.
   */
  allowance?: number;
  /** The period's last day (YYYY-MM-DD): the days after `days` up to it are drawn empty. */
  lastDay?: string;
  testId?: string;
}

/**
 * Calls per day as bars, one series per request type (uPlot draws on a canvas); the calls above
 * the monthly quota are drawn over them in red, so the days past the allowance stand out.
 */
export function UsageChart(props: Props) {
  const { days, types, allowance, lastDay, testId = 'usage-chart' } = props;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const x = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const end = lastDay ? Date.parse(`${lastDay}T00:00:00Z`) / 1000 : 0;
    // Days still to come in the period: on the axis, with nothing drawn for them.
    const toCome: null[] = [];
    for (let t = (x.at(-1) ?? Infinity) + DAY; t <= end; t += DAY) {
      x.push(t);
      toCome.push(null);
    }
    const perDay = days.map((d) => types.reduce((n, t) => n + (d.count[t] ?? 0), 0));
    const above = days.map((d) => types.reduce((n, t) => n + (d.aboveQuota[t] ?? 0), 0));
    let total = 0;
    const running = perDay.map((n) => (total += n));
    const bars = uPlot.paths.bars!({ size: [0.7, 40] });
    const withAllowance = allowance !== undefined;
    // The types' bars are stacked: each one's top is its calls plus those of the types before it,
    // so a day's bar is as tall as its calls. The tallest is drawn first and the others over it;
    // the legend shows each type's own calls.
    const own = types.map((t) => days.map((d) => d.count[t] ?? 0));
    const stacked = own.map((_, i) =>
      days.map((_d, day) => own.slice(0, i + 1).reduce((n, calls) => n + calls[day], 0)),
    );
    const drawOrder = types.map((_, i) => types.length - 1 - i);
    const data: uPlot.AlignedData = [
      x,
      ...drawOrder.map((i) => [...stacked[i], ...toCome]),
      [...above, ...toCome],
      ...(withAllowance ? [[...running, ...toCome], x.map(() => allowance)] : []),
    ];
    const chart = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          { label: 'day', value: (_u, ts) => (ts == null ? '—' : dayOf(ts)) },
          ...drawOrder.map((i) => ({
            label: types[i],
            stroke: COLORS[types[i]] ?? OTHER,
            fill: `${COLORS[types[i]] ?? OTHER}99`,
            paths: bars,
            points: { show: false },
            value: (_u: uPlot, _v: number | null, _s: number, at: number | null) =>
              at === null || own[i][at] === undefined ? '--' : String(own[i][at]),
          })),
          {
            label: 'above quota',
            stroke: ABOVE,
            fill: `${ABOVE}cc`,
            paths: bars,
            points: { show: false },
          },
          ...(withAllowance
            ? [
                { label: 'so far this month', stroke: RUNNING, width: 1.5 },
                {
                  label: 'allowance',
                  stroke: ALLOWANCE_COLOR,
                  width: 2,
                  dash: [8, 4],
                  points: { show: false },
                },
              ]
            : []),
        ],
        axes: [
          {
            space: 48,
            incrs: [DAY, 7 * DAY, 30 * DAY],
            values: (_u, ticks) => ticks.map((t) => dayOf(t).slice(5)),
          },
          { label: 'calls', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000] },
        ],
        hooks: {
          // Where the allowance line is on the canvas (device pixels), for tests and tools that
          // check the drawing itself.
          draw: [
            (u) => {
              if (withAllowance)
                el.dataset.allowanceY = String(Math.round(u.valToPos(allowance, 'y', true)));
            },
          ],
        },
      },
      data,
      el,
    );
    const resize = () => chart.setSize({ width: el.clientWidth, height: 260 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.destroy();
    };
  }, [days, types, allowance, lastDay]);
  return (
    <div
      ref={box}
      className="chart"
      data-testid={testId}
      data-days={days.length}
      data-calls={days.reduce((n, d) => n + types.reduce((m, t) => m + (d.count[t] ?? 0), 0), 0)}
      data-above-quota={days.reduce(
        (n, d) => n + types.reduce((m, t) => m + (d.aboveQuota[t] ?? 0), 0),
        0,
      )}
      data-allowance={allowance}
      aria-hidden="true"
    />
  );
}
