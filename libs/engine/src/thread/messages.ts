import type { EngineResult } from '@platewise/snapshot';
import type { EngineConfig } from '../config';
import type { EngineOptions } from '../engine';
import type { RedactionResult, RedactRequest } from '../redact/engine-redact';
import { EngineConfigError, ImageDecodeError, ModelLoadError } from '../errors';
import type { EnginePhase } from '../phase-timer';

/** What the engine thread is started with (workerData). */
export type ThreadInit = EngineOptions;

/** Main thread → engine thread: one read. */
export interface ReadRequest {
  kind: 'read';
  id: number;
  image: Uint8Array;
  /** set where `image` holds RGB pixels (Engine.read's `RawRgb`), not an encoded upload */
  raw?: { width: number; height: number };
  regions: string[];
  hints?: string[];
  config?: Partial<EngineConfig>;
  mmc: boolean;
}

/** Main thread → engine thread: one redaction. */
export interface RedactThreadRequest {
  kind: 'redact';
  id: number;
  image: Uint8Array;
  config: unknown;
  redact: RedactRequest['redact'];
}

export type EngineRequest = ReadRequest | RedactThreadRequest;

/**
 * Main thread → engine thread: exit. Handled between two turns of the thread's event loop, so
 * never inside a native call: a thread terminated from outside while ONNX Runtime runs in it takes
 * the whole process down (`terminate called after throwing an instance of 'Napi::Error'`).
 */
export interface StopRequest {
  kind: 'stop';
}

export type ThreadCommand = EngineRequest | StopRequest;

/** An error as it crosses the thread boundary: enough to raise the same typed error again. */
export interface ThreadError {
  name: string;
  message: string;
  /** EngineConfigError's key, ImageDecodeError's reason, ModelLoadError's file */
  detail?: string;
  format?: string;
}

/** Engine thread → main thread. */
export type ThreadMessage =
  | {
      type: 'ready';
      loadTimeMs: number;
      recognizer: string;
      plateReader: string | null;
      regionClassifier: string | null;
      faceDetector: string | null;
      vehicleAttributes: string | null;
      plateState: string | null;
      makeModel: string | null;
    }
  | { type: 'load-failed'; error: ThreadError }
  | { type: 'result'; id: number; result: EngineResult; phases: [EnginePhase, number][] }
  | { type: 'redacted'; id: number; result: RedactionResult; phases: [EnginePhase, number][] }
  | { type: 'error'; id: number; error: ThreadError };

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof EngineConfigError)
    return { name: error.name, message: error.message, detail: error.key };
  if (error instanceof ImageDecodeError)
    return { name: error.name, message: error.message, detail: error.reason, format: error.format };
  if (error instanceof ModelLoadError)
    return { name: error.name, message: error.message, detail: error.file };
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message };
}

/** The typed error a ThreadError stands for (a plain Error for anything unexpected). */
export function fromThreadError(error: ThreadError): Error {
  switch (error.name) {
    case 'EngineConfigError':
      return new EngineConfigError(error.message, error.detail ?? 'config');
    case 'ImageDecodeError':
      return new ImageDecodeError(
        error.message,
        error.detail as ImageDecodeError['reason'],
        error.format,
      );
    case 'ModelLoadError':
      return new ModelLoadError(error.message, error.detail ?? '');
    default: {
      const plain = new Error(error.message);
      plain.name = error.name;
      return plain;
    }
  }
}
