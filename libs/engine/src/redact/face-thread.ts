import { Worker } from 'node:worker_threads';
import { ModelLoadError } from '../errors';
import { RuntimeOptions, sessionOptions } from '../models/runtime';
import type { RgbImage } from '../image/decode';
import { FaceDetection, FaceModelSize, FaceOutput, FaceRunner, faceSearch } from './faces';

/**
 * The thread's script, plain CommonJS (a worker needs JavaScript, and this one is the same built
 * or under ts-jest): one face-detector session; each message an input tensor, each answer the
 * detector's two outputs or the run's error.
 */
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
ort.InferenceSession.create(workerData.model, workerData.options).then(
  (session) => {
    parentPort.on('message', ({ id, input, dims }) => {
      session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) }).then(
        (out) => parentPort.postMessage({ id, scores: out.scores.data, boxes: out.boxes.data }),
        (err) => parentPort.postMessage({ id, error: String(err && err.message) }),
      );
    });
    parentPort.postMessage({ ready: true });
  },
  (err) => parentPort.postMessage({ failed: String(err && err.message) }),
);
`;

type Reply =
  | { ready: true }
  | { failed: string }
  | { id: number; scores: Float32Array; boxes: Float32Array }
  | { id: number; error: string };

/**
 * A face detector in a worker thread of its own. ONNX Runtime's run holds the thread that calls
 * it (onnxruntime-node runs it synchronously, in a setImmediate), so on the engine's thread the
 * face run and the plate detectors' runs followed each other although the redaction starts them
 * together; here the face run takes another core while the plates are looked for.
 */
export class FaceThread {
  private readonly pending = new Map<
    number,
    { resolve(out: FaceOutput): void; reject(err: Error): void }
  >();
  private nextId = 1;
  private broken: Error | null = null;

  private constructor(private readonly worker: Worker) {}

  /** Starts the thread and its session on `model` (the file's bytes); `file` names it in errors. */
  static async start(model: Buffer, file: string, opts: RuntimeOptions): Promise<FaceThread> {
    const worker = new Worker(SCRIPT, {
      eval: true,
      workerData: {
        ort: require.resolve('onnxruntime-node'),
        model: new Uint8Array(model),
        options: sessionOptions(opts),
      },
    });
    const thread = new FaceThread(worker);
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) =>
        reject(new ModelLoadError(`cannot load model ${file}: ${err.message}`, file));
      worker.once('error', failed);
      worker.once('message', (m: Reply) => {
        worker.off('error', failed);
        if ('failed' in m) failed(new Error(m.failed));
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

  /** The detector on `input` (`dims` [1, 3, h, w]), in the thread. */
  readonly runner: FaceRunner = (input, dims) => this.run(input, dims);

  /** Faces in `img`, the detector's input being `size` (the engine's warm-up). */
  async detect(img: RgbImage, size: FaceModelSize): Promise<FaceDetection[]> {
    return (await faceSearch(this.runner, img, size))();
  }

  private run(input: Float32Array, dims: readonly number[]): Promise<FaceOutput> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, input, dims }, [input.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.broken ??= new Error('face detector thread closed');
    await this.worker.terminate();
  }

  private answer(m: Reply): void {
    if (!('id' in m)) return;
    const waiting = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (!waiting) return;
    if ('error' in m) waiting.reject(new Error(`face detector: ${m.error}`));
    else waiting.resolve({ scores: m.scores, boxes: m.boxes });
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const waiting of this.pending.values()) waiting.reject(this.broken);
    this.pending.clear();
  }
}
