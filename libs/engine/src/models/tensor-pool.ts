/**
 * Float32 input buffers of the detectors, reused from one run to the next. A read allocated
 * about 4 MB of them (the vehicle detector's 1.3 MB, 1.2 MB per plate-detector pass) and dropped
 * them a few milliseconds later; such short-lived external memory is what set off most of V8's
 * collections during a read ("external memory pressure"). A buffer is taken for one input and
 * given back once ONNX Runtime has run on it (run() does not keep it).
 */
export class TensorPool {
  private readonly free = new Map<number, Float32Array[]>();

  /** A buffer of `length` floats with undefined contents: the caller fills every element it reads. */
  take(length: number): Float32Array {
    return this.free.get(length)?.pop() ?? new Float32Array(length);
  }

  give(buffer: Float32Array): void {
    const list = this.free.get(buffer.length) ?? [];
    // a few per size: a read has at most a handful in flight (the crops a redaction resizes early)
    if (list.length < MAX_PER_SIZE) list.push(buffer);
    this.free.set(buffer.length, list);
  }
}

const MAX_PER_SIZE = 4;

/** The pool the detectors' inputs come from (one per thread: each worker thread loads the engine). */
export const DETECTOR_INPUTS = new TensorPool();
