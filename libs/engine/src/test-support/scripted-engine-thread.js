/**
 * A stand-in engine thread for ThreadedEngine's own tests: it speaks the real thread protocol
 * (thread/messages.ts) and does what each read's `config.script` says — `hang` (a synchronous loop
 * that only terminating the thread stops), `crash` (the thread exits), or answer after `delayMs`.
 */
const { parentPort } = require('node:worker_threads');

parentPort.on('message', (request) => {
  if (request.kind === 'stop') process.exit();
  const script = request.config?.script;
  if (script === 'hang') for (;;);
  if (script === 'crash') process.exit(3);
  setTimeout(
    () =>
      parentPort.postMessage({
        type: 'result',
        id: request.id,
        result: { results: [], bytes: request.image.byteLength },
        phases: [['decode', 1]],
      }),
    request.config?.delayMs ?? 0,
  );
});
parentPort.postMessage({
  type: 'ready',
  loadTimeMs: 0,
  recognizer: 'cct',
  plateReader: null,
  regionClassifier: null,
});
