import * as ort from 'onnxruntime-node';
import { ModelLoadError } from '../errors';

export type Device = 'cpu' | 'cuda';

export interface RuntimeOptions {
  threads: number;
  device: Device;
}

/** One ONNX Runtime session per model, created once; ORT allows concurrent run() calls. */
export async function createSession(
  bytes: Buffer,
  file: string,
  opts: RuntimeOptions,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, sessionOptions(opts));
  } catch (err) {
    const hint =
      opts.device === 'cuda' ? ' (CUDA requested: is the CUDA execution provider installed?)' : '';
    throw new ModelLoadError(`cannot load model ${file}: ${(err as Error).message}${hint}`, file);
  }
}

/** The options every session of the engine is made with (also those made in other threads). */
export function sessionOptions(opts: RuntimeOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: opts.device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Errors only: a model whose export lists its weights as graph inputs (UltraFace's: the engine
    // drops them first, models/constant-weights.ts) is warned about once per weight (hundreds of
    // lines) at every start.
    logSeverityLevel: 3,
    // Idle pool threads would otherwise spin after every run, taking the CPU from the rest of
    // the process (and from a gateway on the same machine) between inferences.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/**
 * A model's first output for an input tensor, as `run1` answers it, run wherever its session is.
 * A runner in another thread moves the input there (no copy) and hands it back as `input`, for
 * the caller to reuse: the buffer it passed is then detached.
 */
export type TensorRunner = (input: Float32Array, dims: number[]) => Promise<RunOutput>;

export interface RunOutput {
  data: Float32Array;
  dims: readonly number[];
  input?: Float32Array;
}

export async function run1(
  session: ort.InferenceSession,
  data: Float32Array,
  dims: number[],
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const input = new ort.Tensor('float32', data, dims);
  const out = await session.run({ [session.inputNames[0]]: input });
  const t = out[session.outputNames[0]];
  return { data: t.data as Float32Array, dims: t.dims };
}

/** Run a model whose input is uint8 (the CCT plate readers); returns every output by name. */
export async function runU8(
  session: ort.InferenceSession,
  data: Uint8Array,
  dims: number[],
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('uint8', data, dims) });
  const result: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const name of session.outputNames)
    result[name] = { data: out[name].data as Float32Array, dims: out[name].dims };
  return result;
}
