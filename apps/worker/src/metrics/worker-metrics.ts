import { Injectable } from '@nestjs/common';
import type { RecognitionJobObserver, ThreadReplaced } from '@platewise/recognition';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Job outcomes of a recognition job, as the duration histogram labels them. */
export type JobOutcome = 'served' | 'refused' | 'failed';
const FAILURES = ['image_expired', 'engine_error', 'engine_timeout', 'stalled'] as const;
/** Why a recognition job failed on our side (it is retried once, then the caller gets a 503). */
export type JobFailure = (typeof FAILURES)[number];
const RESTARTS: readonly ThreadReplaced[] = ['time_limit', 'thread_died'];
const DELIVERY_OUTCOMES = ['delivered', 'failed', 'removed', 'hook_gone'] as const;
/** What became of one webhook delivery attempt. */
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

const SECONDS = [0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30];

/** Prometheus metrics of one worker process, served on its health port (see WorkerHttpServer). */
@Injectable()
export class WorkerMetrics implements RecognitionJobObserver {
  readonly registry = new Registry();

  readonly jobDuration = this.seconds(
    'platewise_worker_job_duration_seconds',
    'Recognition jobs from taking the job to publishing the answer, by engine mode and outcome',
    ['mode', 'outcome'],
  );

  readonly enginePhase = this.seconds(
    'platewise_engine_phase_duration_seconds',
    'Time in each engine phase per photo (decode, vehicles, plates, read)',
    ['phase'],
  );

  readonly jobFailures = this.counter(
    'platewise_worker_job_failures_total',
    'Recognition job attempts that failed on our side, by reason',
    'reason',
    FAILURES,
  );

  readonly engineRestarts = this.counter(
    'platewise_worker_engine_restarts_total',
    'Engine threads replaced, by reason (time_limit: a read ran past ENGINE_READ_TIMEOUT_MS; thread_died: it crashed or ran out of memory); the jobs it held failed and were retried, except the one past the limit',
    'reason',
    RESTARTS,
  );

  readonly webhookDeliveries = this.counter(
    'platewise_webhook_deliveries_total',
    'Webhook delivery attempts by outcome (removed: the target failed too often and was deleted)',
    'outcome',
    DELIVERY_OUTCOMES,
  );

  readonly modelsLoaded = new Gauge({
    name: 'platewise_worker_models_loaded',
    help: '1 once the engine loaded and verified its models, 0 before',
    registers: [this.registry],
  });

  readonly modelLoadSeconds = new Gauge({
    name: 'platewise_worker_model_load_seconds',
    help: 'How long loading and verifying the models took at start-up',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'platewise_worker_' });
  }

  /** A counter with each of `values` at zero from the start: dashboards and alerts see zeros, not gaps. */
  private counter<L extends string>(
    name: string,
    help: string,
    label: L,
    values: readonly string[],
  ): Counter<L> {
    const counter = new Counter({ name, help, labelNames: [label], registers: [this.registry] });
    for (const value of values) counter.inc({ [label]: value } as Record<L, string>, 0);
    return counter;
  }

  private seconds<L extends string>(name: string, help: string, labelNames: L[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets: SECONDS, registers: [this.registry] });
  }

  ended(mode: string, outcome: JobOutcome, seconds: number): void {
    this.jobDuration.observe({ mode, outcome }, seconds);
  }

  failed(reason: JobFailure): void {
    this.jobFailures.inc({ reason });
  }

  delivery(outcome: DeliveryOutcome): void {
    this.webhookDeliveries.inc({ outcome });
  }
}
