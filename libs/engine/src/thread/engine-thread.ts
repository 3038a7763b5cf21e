/**
 * The engine thread's entry: loads one engine with the options it was started with and reads
 * whatever images the main thread sends, several at once if asked (ThreadedEngine).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../engine';
import type { EnginePhase } from '../phase-timer';
import { ThreadCommand, ThreadInit, ThreadMessage, toThreadError } from './messages';

const port = parentPort!;
const send = (message: ThreadMessage) => port.postMessage(message);

createEngine(workerData as ThreadInit).then(
  (engine) => {
    port.on('message', (request: ThreadCommand) => {
      if (request.kind === 'stop') return void process.exit();
      const phases: [EnginePhase, number][] = [];
      const onPhase = (phase: EnginePhase, ms: number) => phases.push([phase, ms]);
      const image = Buffer.from(
        request.image.buffer,
        request.image.byteOffset,
        request.image.byteLength,
      );
      const failed = (error: unknown) =>
        send({ type: 'error', id: request.id, error: toThreadError(error) });
      if (request.kind === 'redact') {
        engine
          .redact(image, { config: request.config, redact: request.redact, onPhase })
          .then((result) => send({ type: 'redacted', id: request.id, result, phases }), failed);
        return;
      }
      const raw = request.raw && { data: image, ...request.raw };
      engine
        .read(raw ?? image, {
          regions: request.regions,
          hints: request.hints,
          config: request.config,
          mmc: request.mmc,
          onPhase,
        })
        .then((result) => send({ type: 'result', id: request.id, result, phases }), failed);
    });
    send({
      type: 'ready',
      loadTimeMs: engine.loadTimeMs,
      recognizer: engine.recognizer,
      plateReader: engine.plateReader,
      regionClassifier: engine.regionClassifier,
      faceDetector: engine.faceDetector,
      vehicleAttributes: engine.vehicleAttributes,
      plateState: engine.plateState,
      makeModel: engine.makeModel,
    });
  },
  (error: unknown) => send({ type: 'load-failed', error: toThreadError(error) }),
);
