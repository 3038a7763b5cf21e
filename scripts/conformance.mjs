// `pnpm conformance`: runs the Snapshot API conformance suite (test/system/conformance.e2e-spec.ts:
// built gateway and worker, real PostgreSQL and Redis; build first) and prints one row per spec
// item and client with its result. Exits 1 when a row did not pass.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
const report = join(dir, 'report.json');
const jest = spawnSync(
  join(root, 'node_modules', '.bin', 'jest'),
  [
    '--ci',
    '--selectProjects',
    'system',
    '--runTestsByPath',
    'test/system/conformance.e2e-spec.ts',
    '--json',
    '--outputFile',
    report,
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
);

let results;
try {
  results = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error(jest.stderr);
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows = results.testResults.flatMap((file) =>
  file.assertionResults.map((a) => {
    const [item, client = ''] = a.title.split(' — ');
    return { item, client, result: a.status === 'passed' ? 'pass' : a.status.toUpperCase() };
  }),
);
const width = (key, title) => Math.max(title.length, ...rows.map((r) => r[key].length));
const w = { item: width('item', 'spec item'), client: width('client', 'client'), result: 6 };
const line = (r) =>
  `| ${r.item.padEnd(w.item)} | ${r.client.padEnd(w.client)} | ${r.result.padEnd(w.result)} |`;
console.log(line({ item: 'spec item', client: 'client', result: 'result' }));
console.log(`|${'-'.repeat(w.item + 2)}|${'-'.repeat(w.client + 2)}|${'-'.repeat(w.result + 2)}|`);
for (const r of rows) console.log(line(r));
const failed = rows.filter((r) => r.result !== 'pass').length;
console.log(`\n${rows.length - failed} of ${rows.length} spec rows pass`);
if (failed || rows.length === 0 || jest.status !== 0) {
  if (failed === 0) console.error(jest.stderr);
  process.exit(1);
}
