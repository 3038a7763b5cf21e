/**
 * The job thread's script (JobThread): one engine, loaded here, and the worker's jobs taken,
 * read and answered here too, on a Redis connection of this thread's own, so that an answer never
 * waits on the main thread. What the main thread needs to hear — metrics, errors — goes to it in
 * one message after the answers it follows.
 */
import type { Engine, EngineOptions, ReadOptions } from '@platewise/engine';
import { connectRedis } from '@platewise/infra';
import type Redis from 'ioredis';
import { parentPort, workerData } from 'node:worker_threads';
import { RecognitionHandler } from '../../handler';
import { HandOverJobs, type RecognitionJobObserver } from '../handover-jobs';
import type { JobEvent, JobThreadCommand, JobThreadInit, JobThreadMessage } from './messages';

const port = parentPort!;
const init = workerData as JobThreadInit;
const send = (message: JobThreadMessage) => port.postMessage(message);

/** Events wait for the turn of the event loop after the one that made them: past the answer. */
const events: JobEvent[] = [];
function emit(event: JobEvent): void {
  if (events.length === 0) setImmediate(flush);
  events.push(event);
}
function flush(): void {
  if (events.length > 0) send({ type: 'events', events: events.splice(0) });
}

const load = (): Promise<{ createEngine(options: EngineOptions): Promise<Engine> }> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  Promise.resolve(require(init.engineModule ?? '@platewise/engine'));

load()
  .then(({ createEngine }) => createEngine(init.engine))
  .then(
    (engine) => {
      const onPhase: ReadOptions['onPhase'] = (phase, ms) => emit({ kind: 'phase', phase, ms });
      const observer: RecognitionJobObserver = {
        ended: (mode, outcome, seconds) => emit({ kind: 'ended', mode, outcome, seconds }),
        failed: (reason) => emit({ kind: 'failed', reason }),
      };
      const handler = new RecognitionHandler({
        read: (image, options) => engine.read(image, { ...options, onPhase }),
        redact: (image, options) => engine.redact(image, { ...options, onPhase }),
      });
      const redis = connectRedis(init.config.REDIS_URL, {
        keyPrefix: init.config.REDIS_PREFIX,
        maxRetriesPerRequest: 2,
      }) as Redis;
      const clock = new BigInt64Array(init.slotClock);
      const jobs = new HandOverJobs(handler, init.config, redis, observer, {
        began: (slot) => Atomics.store(clock, slot, BigInt(Date.now())),
        freed: (slot) => Atomics.store(clock, slot, 0n),
      });
      port.on('message', (command: JobThreadCommand) => {
        if (command.type === 'start')
          jobs.start(command.worker, (jobId, error) =>
            emit({ kind: 'error', jobId, message: error.message }),
          );
        else if (command.type === 'stop') {
          // A message is handled between two turns of the event loop, never inside a native call
          // (ONNX Runtime runs synchronously here): a thread terminated from outside in one aborts
          // the whole process. Work still in sharp's pool completes into a stopped thread safely.
          flush();
          process.exit();
        } else
          void jobs
            .close()
            .then(() => redis.quit())
            .catch((error: Error) => emit({ kind: 'error', message: error.message }))
            .finally(() => {
              flush();
              send({ type: 'closed' });
            });
      });
      send({ type: 'ready', loadTimeMs: engine.loadTimeMs });
    },
    (error: Error) => send({ type: 'load-failed', message: error.message }),
  );
