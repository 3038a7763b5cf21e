import { WorkerMetrics } from './worker-metrics';

describe('WorkerMetrics', () => {
  it('exports job durations by mode and outcome, and every failure reason and delivery outcome from zero', async () => {
    const metrics = new WorkerMetrics();
    metrics.ended('fast', 'served', 0.12);
    metrics.failed('engine_error');
    metrics.delivery('removed');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /^platewise_worker_job_duration_seconds_count\{mode="fast",outcome="served"\} 1$/m,
    );
    expect(text).toMatch(/^platewise_worker_job_failures_total\{reason="engine_error"\} 1$/m);
    expect(text).toMatch(/^platewise_worker_job_failures_total\{reason="image_expired"\} 0$/m);
    expect(text).toMatch(/^platewise_webhook_deliveries_total\{outcome="removed"\} 1$/m);
    expect(text).toMatch(/^platewise_webhook_deliveries_total\{outcome="delivered"\} 0$/m);
    expect(text).toMatch(/^platewise_worker_models_loaded 0$/m);
  });
});
