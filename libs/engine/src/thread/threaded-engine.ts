import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineResult } from '@platewise/snapshot';
import type { Engine, EngineOptions, ReadOptions, RecognizerMode } from '../engine';
import { EngineRestartedError, EngineTimeoutError } from '../errors';
import type { RawRgb } from '../image/decode';
import type { RedactionResult, RedactRequest } from '../redact/engine-redact';
import { EngineRequest, fromThreadError, StopRequest, ThreadMessage } from './messages';

export interface ThreadedEngineOptions extends EngineOptions {
  /** A read that runs longer is stopped (EngineTimeoutError) and the thread replaced. */
  readTimeoutMs: number;
  /** The thread's script; default: engine-thread.js beside this file (the built library). */
  entry?: string;
}

interface Pending {
  resolve(result: EngineResult | RedactionResult): void;
  reject(error: Error): void;
  onPhase?: ReadOptions['onPhase'];
  timer: NodeJS.Timeout;
}

type Ready = Extract<ThreadMessage, { type: 'ready' }>;

/**
 * How long a thread told to stop has to exit by itself before it is terminated: it exits at its
 * next turn of the event loop, which a read reaches between two model runs (tens of ms); one that
 * does not is in a loop of its own.
 */
const STOP_GRACE_MS = 2000;

/**
 * The engine in a worker thread of its own, so that however long a read takes — a huge photo, a
 * pathological one, a busy CPU — the caller's event loop stays free: queue locks are renewed,
 * heartbeats sent, health and metrics answered. Each read has a time limit; past it the read fails
 * with EngineTimeoutError and the thread is replaced (told to stop, terminated past STOP_GRACE_MS:
 * a synchronous loop can only be stopped so), failing the other reads it held with
 * EngineRestartedError, which may be retried.
 */
export async function createThreadedEngine(options: ThreadedEngineOptions): Promise<Engine> {
  const engine = new ThreadedEngine(options);
  await engine.started();
  return engine;
}

class ThreadedEngine implements Engine {
  loadTimeMs = 0;
  recognizer: RecognizerMode = 'cct';
  plateReader: string | null = null;
  regionClassifier: string | null = null;
  faceDetector: string | null = null;
  vehicleAttributes: string | null = null;
  plateState: string | null = null;
  makeModel: string | null = null;

  private worker!: Worker;
  private ready!: Promise<Ready>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  /** threads told to stop, until they are gone */
  private readonly stopping = new Map<Worker, Promise<void>>();

  constructor(private readonly options: ThreadedEngineOptions) {
    this.start();
  }

  async started(): Promise<void> {
    const ready = await this.ready;
    this.loadTimeMs = ready.loadTimeMs;
    this.recognizer = ready.recognizer as RecognizerMode;
    this.plateReader = ready.plateReader;
    this.regionClassifier = ready.regionClassifier;
    this.faceDetector = ready.faceDetector;
    this.vehicleAttributes = ready.vehicleAttributes;
    this.plateState = ready.plateState;
    this.makeModel = ready.makeModel;
  }

  read(image: Buffer | RawRgb, opts: ReadOptions = {}): Promise<EngineResult> {
    const encoded = ArrayBuffer.isView(image);
    return this.send(
      (id) => ({
        kind: 'read',
        id,
        // a copy, moved to the thread: the caller keeps its own
        image: new Uint8Array(encoded ? image : image.data),
        raw: encoded ? undefined : { width: image.width, height: image.height },
        regions: opts.regions ?? [],
        hints: opts.hints,
        config: opts.config,
        mmc: !!opts.mmc,
      }),
      opts.onPhase,
    ) as Promise<EngineResult>;
  }

  /** A redaction, under the same time limit as a read. */
  async redact(image: Buffer, opts: RedactRequest = {}): Promise<RedactionResult> {
    const result = (await this.send(
      (id) => ({
        kind: 'redact',
        id,
        image: new Uint8Array(image),
        config: opts.config,
        redact: opts.redact,
      }),
      opts.onPhase,
    )) as RedactionResult;
    // The image crossed the thread boundary as a plain Uint8Array.
    const bytes = result.image as Uint8Array;
    return { ...result, image: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  private async send(
    request: (id: number) => EngineRequest,
    onPhase: ReadOptions['onPhase'],
  ): Promise<EngineResult | RedactionResult> {
    // Wait for the thread in place now: one that replaced it meanwhile is waited for too.
    let ready: Promise<Ready>;
    do await (ready = this.ready);
    while (ready !== this.ready);
    return new Promise<EngineResult | RedactionResult>((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => this.timedOut(id), this.options.readTimeoutMs);
      this.pending.set(id, { resolve, reject, onPhase, timer });
      const message = request(id);
      // The copy's memory moves to the thread rather than being copied again.
      this.worker.postMessage(message, [message.image.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.failAll(new EngineRestartedError('the engine was closed'));
    await Promise.all([this.stop(this.worker), ...this.stopping.values()]);
  }

  private start(): void {
    const { entry, modelsDir, threads, device, recognizer, maxPixels } = this.options;
    const engineOptions: EngineOptions = { modelsDir, threads, device, recognizer, maxPixels };
    const worker = new Worker(entry ?? join(__dirname, 'engine-thread.js'), {
      workerData: engineOptions,
    });
    this.worker = worker;
    this.ready = new Promise<Ready>((resolve, reject) => {
      worker.on('message', (message: ThreadMessage) => {
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'load-failed') reject(fromThreadError(message.error));
        else this.settle(message);
      });
      worker.on('error', (error) => {
        reject(error);
        this.lost(worker, error.message);
      });
      worker.on('exit', (code) => {
        reject(new Error(`the engine thread exited (code ${code}) before its models loaded`));
        this.lost(worker, `exit code ${code}`);
      });
    });
    // A failed start is reported to whoever awaits `ready`; never as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  private settle(message: Exclude<ThreadMessage, Ready | { type: 'load-failed' }>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return; // timed out already
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.type === 'error') return pending.reject(fromThreadError(message.error));
    for (const [phase, ms] of message.phases) pending.onPhase?.(phase, ms);
    pending.resolve(message.result);
  }

  private timedOut(id: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.reject(new EngineTimeoutError(this.options.readTimeoutMs));
    this.replace('another read ran past the time limit');
  }

  /** The thread died on its own (a crash in native code, out of memory): start another. */
  private lost(worker: Worker, why: string): void {
    if (worker !== this.worker || this.closing) return;
    this.failAll(new EngineRestartedError(why));
    this.start();
  }

  private replace(why: string): void {
    const old = this.worker;
    this.failAll(new EngineRestartedError(why));
    this.start();
    void this.stop(old);
  }

  /**
   * Tells a thread to exit, which it does between two turns of its event loop (StopRequest), and
   * terminates it only past STOP_GRACE_MS: terminating a thread inside a native call aborts the
   * process, so that is left for a thread stuck in a loop of its own. Settles once it is gone.
   */
  private stop(worker: Worker): Promise<void> {
    const known = this.stopping.get(worker);
    if (known) return known;
    const gone = new Promise<void>((resolve) => {
      const overdue = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      worker.once('exit', () => {
        clearTimeout(overdue);
        this.stopping.delete(worker);
        resolve();
      });
    });
    this.stopping.set(worker, gone);
    worker.postMessage({ kind: 'stop' } satisfies StopRequest);
    return gone;
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}
