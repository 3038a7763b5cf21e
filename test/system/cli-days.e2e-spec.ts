/**
 * The CLI reads a day as the routes do (libs/infra isoCalendarDay): `platewise usage` refuses a
 * day that does not exist, or year 0000, before it asks the database anything.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const cliMain = join(__dirname, '../../apps/cli/dist/main.js');
const run = promisify(execFile);

describe('platewise usage --from/--to', () => {
  it.each([
    ['--from', '0000-01-01'],
    ['--to', '2026-02-30'],
    ['--from', '2026-W01'],
  ])('refuses %s %s with the routes’ message', async (flag, value) => {
    const failed = await run(process.execPath, [cliMain, 'usage', 'anyone', flag, value]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(
      `${flag.slice(2)} must be a day as YYYY-MM-DD in years 1 to 9999`,
    );
  });
});
