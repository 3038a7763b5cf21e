// The machine's load average (1, 5 and 15 min) as the benchmarks print it: their figures only
// compare between runs at a similar load on these shared machines.
import { loadavg } from 'node:os';

export const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
