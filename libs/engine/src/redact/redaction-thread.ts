import { Worker } from 'node:worker_threads';
import { ModelLoadError } from '../errors';
import { RuntimeOptions, sessionOptions, TensorRunner } from '../models/runtime';
import type { RgbImage } from '../image/decode';
import { FaceModelSize, FaceRunner, faceSearch } from './faces';

const PLATE = 'plate';

/**
 * The thread's script, plain CommonJS (a worker needs JavaScript, and this one is the same built
 * or under ts-jest): one session per model (the face detectors by size, and the plate detector);
 * each message an input tensor and the model it is for, each answer the model's outputs by name
 * or the run's error.
 */
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
const sessions = {};
Promise.all(
  workerData.models.map((m) =>
    ort.InferenceSession.create(m.bytes, workerData.options).then(
      (session) => { sessions[m.key] = session; },
      (err) => { throw { file: m.file, message: String(err && err.message) }; },
    ),
  ),
).then(
  () => {
    parentPort.on('message', ({ id, key, input, dims }) => {
      const session = sessions[key];
      session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) }).then(
        (out) => {
          const outputs = {};
          for (const name of session.outputNames)
            outputs[name] = { data: out[name].data, dims: out[name].dims };
          parentPort.postMessage(
            { id, outputs, input },
            [...Object.values(outputs).map((o) => o.data.buffer), input.buffer],
          );
        },
        (err) => parentPort.postMessage({ id, error: String(err && err.message) }),
      );
    });
    parentPort.postMessage({ ready: true });
  },
  (err) => parentPort.postMessage({ failed: err.message, file: err.file }),
);
`;

type Reply =
  | { ready: true }
  | { failed: string; file: string }
  | { id: number; outputs: Outputs; input: Float32Array }
  | { id: number; error: string };

type Outputs = Record<string, { data: Float32Array; dims: readonly number[] }>;

/** A face detector model to load: its input size, the file's bytes, its name for errors. */
export interface FaceModelFile {
  size: FaceModelSize;
  bytes: Buffer;
  file: string;
}

/**
 * A redaction's second thread: the face detectors (one thread for every size: a redaction runs
 * one of them, and each thread costs its own JavaScript heap) and a plate-detector session, so a
 * redaction's plate runs take this core too once its face run is done. ONNX Runtime's run holds the thread
 * that calls it (onnxruntime-node runs it synchronously, in a setImmediate), so on the engine's
 * thread the face run and the plate detectors' runs followed each other although the redaction
 * starts them together; here the face run takes another core while the plates are looked for.
 */
export class RedactionThread {
  private readonly pending = new Map<
    number,
    { resolve(answer: { outputs: Outputs; input: Float32Array }): void; reject(err: Error): void }
  >();
  private nextId = 1;
  private broken: Error | null = null;
  private idlers: (() => void)[] = [];

  private constructor(
    private readonly worker: Worker,
    private readonly sizes: ReadonlySet<FaceModelSize>,
    private readonly hasPlate: boolean,
  ) {}

  /**
   * Starts the thread and a session on each of `models`, and on `plate` (the plate detector) when
   * given: the redaction runs some of its plate-detector runs here once the face run is done
   * (redact/engine-redact.ts), so its plate work takes both cores.
   */
  static async start(
    models: FaceModelFile[],
    opts: RuntimeOptions,
    plate?: { bytes: Buffer; file: string },
  ): Promise<RedactionThread> {
    const all = [
      ...models.map((m) => ({ key: String(m.size), file: m.file, bytes: new Uint8Array(m.bytes) })),
      ...(plate ? [{ key: PLATE, file: plate.file, bytes: new Uint8Array(plate.bytes) }] : []),
    ];
    const worker = new Worker(SCRIPT, {
      eval: true,
      workerData: {
        ort: require.resolve('onnxruntime-node'),
        models: all,
        options: sessionOptions(opts),
      },
    });
    const thread = new RedactionThread(worker, new Set(models.map((m) => m.size)), !!plate);
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error, file = all.map((m) => m.file).join(', ')) =>
        reject(new ModelLoadError(`cannot load model ${file}: ${err.message}`, file));
      worker.once('error', failed);
      worker.once('message', (m: Reply) => {
        worker.off('error', failed);
        if ('failed' in m) failed(new Error(m.failed), m.file);
        else resolve();
      });
    });
    worker.on('message', (m: Reply) => thread.answer(m));
    worker.on('error', (err) => thread.fail(err));
    worker.on('exit', (code) => thread.fail(new Error(`face detector thread exited (${code})`)));
    // Kept alive only while a run is pending: an idle engine does not hold its process open.
    worker.unref();
    return thread;
  }

  /** The detector of input `size` (`dims` [1, 3, h, w]) in the thread, if that model is loaded. */
  runner(size: FaceModelSize): FaceRunner | undefined {
    return this.sizes.has(size)
      ? async (input, dims) => {
          const { outputs, input: back } = await this.run(String(size), input, dims);
          return { scores: outputs.scores.data, boxes: outputs.boxes.data, input: back };
        }
      : undefined;
  }

  /**
   * The plate detector in the thread, if loaded: its input is moved there and handed back with
   * the output (TensorRunner). Copying it (1.2 MB a run) held the engine's thread about 3 ms a
   * redaction, and that thread makes every input of both.
   */
  plateRunner(): TensorRunner | undefined {
    return this.hasPlate
      ? async (input, dims) => {
          const { outputs, input: back } = await this.run(PLATE, input, dims);
          return { ...Object.values(outputs)[0], input: back };
        }
      : undefined;
  }

  /** Faces in `img` with every loaded detector (the engine's warm-up). */
  async warmUp(img: RgbImage): Promise<void> {
    for (const size of this.sizes) await (await faceSearch(this.runner(size)!, img, size))();
  }

  /** `input` is moved to the thread (detached here) and comes back with the outputs. */
  private run(
    key: string,
    input: Float32Array,
    dims: readonly number[],
  ): Promise<{ outputs: Outputs; input: Float32Array }> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, key, input, dims }, [input.buffer as ArrayBuffer]);
    });
  }

  /** Settles once no run is waiting here (at once if none is). */
  idle(): Promise<void> {
    return this.pending.size === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.idlers.push(resolve));
  }

  async close(): Promise<void> {
    this.broken ??= new Error('face detector thread closed');
    await this.worker.terminate();
  }

  private answer(m: Reply): void {
    if (!('id' in m)) return;
    const waiting = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (this.pending.size === 0) {
      this.worker.unref();
      this.wakeIdlers();
    }
    if (!waiting) return;
    if ('error' in m) waiting.reject(new Error(`face detector: ${m.error}`));
    else waiting.resolve({ outputs: m.outputs, input: m.input });
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const waiting of this.pending.values()) waiting.reject(this.broken);
    this.pending.clear();
    this.wakeIdlers();
  }

  private wakeIdlers(): void {
    const idlers = this.idlers;
    this.idlers = [];
    for (const wake of idlers) wake();
  }
}
