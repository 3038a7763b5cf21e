/**
 * The Grafana dashboard and the Prometheus alerts (infra/observability) ask for metrics that the
 * built gateway and worker really export: every query parses as PromQL, and every metric it names
 * is on the gateway's /metrics or the worker's health port after a recognition call.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../libs/infra/src';
import { createAccount, readPhoto } from '../support/calls';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { waitFor } from './snapshot-support';

const ROOT = join(__dirname, '..', '..');
const ADMIN_TOKEN = 'observability-admin-token-0123';

/** Every metric name an exposition defines, with the series names a histogram or summary adds. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** Metric names a PromQL expression selects; throws when it does not parse. */
function selectedMetrics(expr: string): string[] {
  const names: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL does not parse at ${cursor.from}: ${expr}`);
    if (cursor.name === 'VectorSelector') {
      const name = /^[a-zA-Z_:][\w:]*/.exec(expr.slice(cursor.from, cursor.to));
      if (name) names.push(name[0]);
    }
  } while (cursor.next());
  return names;
}

const dashboard = JSON.parse(
  readFileSync(join(ROOT, 'infra', 'observability', 'grafana-dashboard.json'), 'utf8'),
);
const alerts = parse(
  readFileSync(join(ROOT, 'infra', 'observability', 'prometheus-alerts.yaml'), 'utf8'),
);
// Grafana puts its rate window in before the query goes to Prometheus.
const dashboardQueries: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
  p.targets.map((t) => t.expr.replaceAll('$__rate_interval', '1m')),
);
const alertQueries: string[] = alerts.groups.flatMap((g: { rules: { expr: string }[] }) =>
  g.rules.map((r) => r.expr),
);

describe('dashboard and alert queries name metrics the processes export', () => {
  const port = 24000 + Math.floor(Math.random() * 1000);
  const workerPort = port + 1000;
  const env = {
    PORT: String(port),
    WORKER_HTTP_PORT: String(workerPort),
    ADMIN_TOKEN,
    LOG_LEVEL: 'log',
    // A queue of its own: the other suites' workers must not take its job.
    REDIS_PREFIX: `${loadConfig().REDIS_PREFIX}observability:`,
  };
  let apps: Running[] = [];
  let exported: Set<string>;
  let worker: string;

  beforeAll(async () => {
    apps = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
    const key = createAccount(env, 'observability');
    const res = await readPhoto(port, key);
    expect(res.status).toBe(201);
    const gateway = await (
      await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).text();
    // The worker's main thread hears of the job from the engine's thread after the answer.
    const served =
      /^platewise_worker_job_duration_seconds_count\{mode="regular",outcome="served"\} 1$/m;
    await waitFor(async () => {
      worker = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
      return served.test(worker);
    }, 5_000);
    exported = new Set([...exportedNames(gateway), ...exportedNames(worker)]);
  }, 90_000);

  afterAll(() => Promise.all(apps.map((app) => app.stop())));

  it('the processes export the metrics the issue asks for', () => {
    for (const name of [
      'platewise_http_request_duration_seconds',
      'platewise_queue_jobs',
      'platewise_quota_refusals_total',
      'platewise_worker_job_duration_seconds',
      'platewise_engine_phase_duration_seconds',
      'platewise_worker_job_failures_total',
      'platewise_webhook_deliveries_total',
      'platewise_reads_pending',
    ]) {
      expect([name, exported.has(name)]).toEqual([name, true]);
    }
  });

  it("the worker's figures come from the call: one job served, each engine phase timed once", () => {
    expect(worker).toMatch(
      /^platewise_worker_job_duration_seconds_count\{mode="regular",outcome="served"\} 1$/m,
    );
    for (const phase of ['decode', 'vehicles', 'plates', 'read']) {
      expect(worker).toMatch(
        new RegExp(`^platewise_engine_phase_duration_seconds_count\\{phase="${phase}"\\} 1$`, 'm'),
      );
    }
  });

  it.each([
    ['dashboard', dashboardQueries],
    ['alert rules', alertQueries],
  ])('every %s query parses and names only exported metrics', (_what, queries) => {
    expect(queries.length).toBeGreaterThan(5);
    const unknown = queries.flatMap((q) =>
      selectedMetrics(q)
        .filter((name) => !exported.has(name))
        .map((name) => `${name} in ${q}`),
    );
    expect(unknown).toEqual([]);
  });

  it('the check itself catches a misspelt metric and a broken query', () => {
    expect(
      selectedMetrics('sum(rate(platewise_recognitions_totl[5m]))').filter((n) => !exported.has(n)),
    ).toEqual(['platewise_recognitions_totl']);
    expect(() => selectedMetrics('sum(rate(platewise_recognitions_total[5m])')).toThrow(
      /does not parse/,
    );
  });

  it('the alerts cover queue backlog, error rate and webhook removals', () => {
    const byName = Object.fromEntries(
      alerts.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) =>
        g.rules.map((r) => [r.alert, r.expr]),
      ),
    );
    expect(byName.PlatewiseQueueBacklog).toMatch(
      /platewise_queue_jobs\{queue="recognition",state="waiting"\}/,
    );
    expect(byName.PlatewiseRecognitionErrors).toMatch(/platewise_recognitions_total/);
    expect(byName.PlatewiseWebhookRemoved).toMatch(/outcome="removed"/);
  });
});
