import type { EngineResult, SnapshotResponse } from '@platewise/snapshot';
import type { RecognitionCall } from './contract';

/** Response version field of the Snapshot API. */
export const SNAPSHOT_VERSION = 1;

/** The Snapshot API response: the engine's result and the fields the API adds around it. */
export function snapshotEnvelope(
  result: EngineResult,
  call: Pick<RecognitionCall, 'filename' | 'camera_id' | 'timestamp'>,
): SnapshotResponse {
  return {
    processing_time: result.processing_time,
    results: result.results,
    filename: call.filename,
    version: SNAPSHOT_VERSION,
    camera_id: call.camera_id,
    timestamp: call.timestamp,
  };
}
