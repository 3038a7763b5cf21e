#!/usr/bin/env node
import { createServer } from 'node:http';
import { CameraPipeline } from './camera';
import { loadConfig, StreamConfigError } from './config';
import { createStreamEngine } from './engine';
import { StreamMetrics } from './metrics';
import {
  allOf,
  bestFrames,
  EventSink,
  gatewayReporter,
  jsonLines,
  queued,
  QueuedSink,
} from './sinks';

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

/** Events of one camera waiting for the gateway (about 1 KB each) before the oldest is given up. */
const MAX_WAITING = 10_000;
/**
 * Once the cameras have stopped, how long events still waiting for the gateway are tried: within
 * Kubernetes' 60 s grace with the tracks' flush (a read in flight ends within the engine's limit).
 */
const DELIVERY_GRACE_MS = 20_000;

/**
 * The stream service: `platewise-stream <config.yaml>` (or STREAM_CONFIG). Every camera of the
 * config is read at once; a camera that fails is reconnected and never stops the others. Health
 * (/health, /health/live, /health/ready) and Prometheus metrics (/metrics) on the config's port. SIGTERM or SIGINT: the sources
 * stop, open tracks end as events, the events are delivered (those the gateway has not taken
 * within DELIVERY_GRACE_MS are given up), and the process exits.
 */
async function main(): Promise<void> {
  const path = process.argv[2] ?? process.env.STREAM_CONFIG;
  if (!path)
    throw new StreamConfigError('usage: platewise-stream <config.yaml> (or STREAM_CONFIG)');
  const config = loadConfig(path);
  const engine = await createStreamEngine();
  const metrics = new StreamMetrics();
  metrics.start();
  const sinks: EventSink[] = [];
  if (config.framesDir) sinks.push(bestFrames(config.framesDir));
  if (config.out) sinks.push(jsonLines(config.out));
  let gateway: QueuedSink | null = null;
  if (config.gateway) {
    const stopDelivery = new AbortController();
    gateway = queued(gatewayReporter(config.gateway, fetch, stopDelivery.signal), stopDelivery, {
      max: MAX_WAITING,
      onLost: (event, why) => {
        metrics.undelivered.inc({ camera: event.camera_id });
        log(`camera ${event.camera_id}: event of ${event.timestamp} not delivered: ${why}`);
      },
    });
    sinks.push(gateway.sink);
  }
  if (!config.out && !config.gateway)
    sinks.push(async (e) => void process.stdout.write(`${JSON.stringify(e)}\n`));
  const sink = allOf(sinks);
  const stop = new AbortController();
  const pipelines = config.cameras.map(
    (camera) =>
      new CameraPipeline(camera, {
        engine,
        maxSide: config.maxSide,
        tracker: config.tracker,
        keepFrames: !!config.framesDir,
        onEvent: sink,
        metrics,
        log,
      }),
  );
  const server = config.port
    ? createServer((req, res) => {
        if (req.url === '/metrics') {
          void metrics.registry.metrics().then((body) => {
            res.writeHead(200, { 'content-type': metrics.registry.contentType });
            res.end(body);
          });
        } else if (req.url === '/health' || req.url === '/health/ready') {
          // Ready while reading; a stopping process (flushing its tracks) takes no traffic.
          const stopping = stop.signal.aborted;
          res.writeHead(stopping ? 503 : 200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ status: stopping ? 'stopping' : 'ok', cameras: pipelines.length }),
          );
        } else if (req.url === '/health/live') {
          // The event loop answers: decoding and tracking never wait on the engine's thread.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"status":"ok"}');
        } else {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"detail":"Not found."}');
        }
      }).listen(config.port)
    : null;
  const shutdown = (signal: string) => {
    if (stop.signal.aborted) return;
    log(`${signal}: ending open tracks and stopping`);
    stop.abort();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  log(
    `reading ${pipelines.length} camera(s); engine loaded in ${Math.round(engine.loadTimeMs)} ms`,
  );
  // One camera's failure (a bad file, an error in its loop) is logged; the others go on.
  await Promise.all(
    pipelines.map((p) =>
      p
        .run(stop.signal)
        .catch((err: Error) => log(`camera ${p.camera.id} stopped: ${err.message}`)),
    ),
  );
  await gateway?.close(DELIVERY_GRACE_MS);
  metrics.stop();
  server?.close();
  await engine.close();
  log('stopped');
}

main().catch((err: unknown) => {
  log(`platewise-stream: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
