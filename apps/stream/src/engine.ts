import { createThreadedEngine, Engine, parseRecognizer } from '@platewise/engine';

/**
 * The engine as the workers run it: in a worker thread of its own with a time limit per read, so
 * that decoding, the motion gate and tracking (on this thread) never wait behind a read. Same
 * environment: ENGINE_THREADS, ENGINE_DEVICE (cpu or cuda), ENGINE_RECOGNIZER,
 * ENGINE_READ_TIMEOUT_MS, PLATEWISE_MODELS_DIR.
 */
export function createStreamEngine(
  env: NodeJS.ProcessEnv = process.env,
  overrides: { threads?: number; device?: 'cpu' | 'cuda'; entry?: string } = {},
): Promise<Engine> {
  const device = overrides.device ?? env.ENGINE_DEVICE;
  if (device !== undefined && device !== '' && device !== 'cpu' && device !== 'cuda') {
    throw new Error(`ENGINE_DEVICE must be cpu or cuda (got "${device}")`);
  }
  const threads =
    overrides.threads ?? (env.ENGINE_THREADS ? Number(env.ENGINE_THREADS) : undefined);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    throw new Error('ENGINE_THREADS must be a whole number above 0');
  }
  const timeout = env.ENGINE_READ_TIMEOUT_MS ? Number(env.ENGINE_READ_TIMEOUT_MS) : 30_000;
  if (!(Number.isInteger(timeout) && timeout > 0)) {
    throw new Error('ENGINE_READ_TIMEOUT_MS must be a whole number of milliseconds above 0');
  }
  return createThreadedEngine({
    readTimeoutMs: timeout,
    threads,
    device: (device || undefined) as 'cpu' | 'cuda' | undefined,
    recognizer: parseRecognizer(env.ENGINE_RECOGNIZER),
    modelsDir: env.PLATEWISE_MODELS_DIR || undefined,
    entry: overrides.entry,
  });
}
