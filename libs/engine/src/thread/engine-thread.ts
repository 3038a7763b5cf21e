/**
 * The engine thread's entry: loads one engine with the options it was started with and reads
 * whatever images the main thread sends, several at once if asked (ThreadedEngine).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../engine';
import type { EnginePhase } from '../phase-timer';
import { ReadRequest, ThreadInit, ThreadMessage, toThreadError } from './messages';

const port = parentPort!;
const send = (message: ThreadMessage) => port.postMessage(message);

createEngine(workerData as ThreadInit).then(
  (engine) => {
    port.on('message', (request: ReadRequest) => {
      const phases: [EnginePhase, number][] = [];
      const image = Buffer.from(
        request.image.buffer,
        request.image.byteOffset,
        request.image.byteLength,
      );
      engine
        .read(image, {
          regions: request.regions,
          hints: request.hints,
          config: request.config,
          mmc: request.mmc,
          onPhase: (phase, ms) => phases.push([phase, ms]),
        })
        .then(
          (result) => send({ type: 'result', id: request.id, result, phases }),
          (error: unknown) => send({ type: 'error', id: request.id, error: toThreadError(error) }),
        );
    });
    send({
      type: 'ready',
      loadTimeMs: engine.loadTimeMs,
      recognizer: engine.recognizer,
      plateReader: engine.plateReader,
      regionClassifier: engine.regionClassifier,
    });
  },
  (error: unknown) => send({ type: 'load-failed', error: toThreadError(error) }),
);
