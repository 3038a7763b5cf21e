import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { engineResultSchema, snapshotResponseSchema } from './schema';
import { EngineResult, SnapshotResponse } from './types';

const ajv = new Ajv({ allErrors: true, strict: false });
let engineValidator: ValidateFunction | null = null;
let snapshotValidator: ValidateFunction | null = null;

export interface Validation {
  valid: boolean;
  errors: string[];
}

const describe = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);

/** Check a full Snapshot response (what the API sends). */
export function validateSnapshotResponse(value: unknown): value is SnapshotResponse {
  snapshotValidator ??= ajv.compile(snapshotResponseSchema);
  return snapshotValidator(value) as boolean;
}

/** Check an engine result (results + processing_time); returns readable errors. */
export function checkEngineResult(value: unknown): Validation {
  engineValidator ??= ajv.compile(engineResultSchema);
  const valid = engineValidator(value) as boolean;
  return { valid, errors: valid ? [] : describe(engineValidator.errors) };
}

export function checkSnapshotResponse(value: unknown): Validation {
  snapshotValidator ??= ajv.compile(snapshotResponseSchema);
  const valid = snapshotValidator(value) as boolean;
  return { valid, errors: valid ? [] : describe(snapshotValidator.errors) };
}

export function isEngineResult(value: unknown): value is EngineResult {
  return checkEngineResult(value).valid;
}
