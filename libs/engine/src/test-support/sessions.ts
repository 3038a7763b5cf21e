/**
 * ONNX Runtime sessions a spec file loads from model bytes (one thread, CPU), all released once
 * its tests are done. Call inside `describe`; the result loads one.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { createSession } from '../models/runtime';

export function sessionsReleasedAfterAll(): (bytes: Buffer) => Promise<InferenceSession> {
  const open: InferenceSession[] = [];
  afterAll(async () => {
    await Promise.allSettled(open.map((s) => s.release()));
  });
  return async (bytes) => {
    const s = await createSession(bytes, 'test.onnx', { threads: 1, device: 'cpu' });
    open.push(s);
    return s;
  };
}
