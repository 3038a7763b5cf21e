import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one gateway process; queue gauges are filled by whoever owns the queue. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly requests = new Histogram({
    name: 'platewise_http_request_duration_seconds',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly recognitions = new Counter({
    name: 'platewise_recognitions_total',
    help: 'Recognition calls by outcome (served, refused by the worker, timeout, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly quotaRefusals = new Counter({
    name: 'platewise_quota_refusals_total',
    help: 'Metered calls refused before any work, by reason: throttled (429), monthly_quota_used, no_contract, contract_inactive (403)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'platewise_queue_jobs',
    help: 'Jobs in a queue by state, read at scrape time (scale workers on recognition/waiting)',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly readsPending = new Gauge({
    name: 'platewise_reads_pending',
    help: 'Reads of counted calls held in this gateway and not written to the read history yet (grows while PostgreSQL or Redis fails their writes)',
    registers: [this.registry],
  });

  readonly readsDropped = new Counter({
    name: 'platewise_reads_dropped_total',
    help: 'Reads of counted calls never written: more held than the recorder keeps (dropped), or refused by the database as data it cannot hold (refused)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly refreshers: (() => Promise<void>)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'platewise_gateway_' });
  }

  /** Registers work that brings gauges up to date before each scrape (e.g. the queue's depth). */
  beforeScrape(refresh: () => Promise<void>): void {
    this.refreshers.push(refresh);
  }

  async scrape(): Promise<string> {
    await Promise.all(this.refreshers.map((refresh) => refresh()));
    return this.registry.metrics();
  }
}
