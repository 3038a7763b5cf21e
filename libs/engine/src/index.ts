export { createEngine, parseRecognizer, RECOGNIZER_MODES, TUNING } from './engine';
export type { Engine, EngineOptions, ReadOptions, RecognizerMode } from './engine';
export type { EnginePhase } from './phase-timer';
export type { RawRgb } from './image/decode';
export {
  CONFIG_KEYS,
  parseEngineConfig,
  readEngineConfig,
  DEFAULT_CONFIG,
  regionHints,
  strictRegion,
} from './config';
export { TEXT_FORMAT_LIMITS } from './plates/text-pattern';
export type { EngineConfig, ReadConfig } from './config';
export {
  EngineConfigError,
  EngineRestartedError,
  EngineTimeoutError,
  ImageDecodeError,
  ModelLoadError,
} from './errors';
export { createThreadedEngine } from './thread/threaded-engine';
export type { ThreadedEngineOptions } from './thread/threaded-engine';
export { EUROPE, KNOWN_REGIONS, normaliseRegion } from './plates/formats';
export type { EngineResult, PlateResult, VehicleModeResult } from '@platewise/snapshot';
export { COMBINE, ENSEMBLE, PRIOR, REPORTED_CANDIDATES } from './plates/candidates';
export { defaultFormat, MAX_HIDDEN } from './redact/redact';
export {
  DEFAULT_REDACT,
  parseRedactOptions,
  REDACT_FORMATS,
  REDACT_METHODS,
  REDACT_TARGETS,
  REDACT_THRESHOLD_D,
} from './redact/options';
export type { RedactFormat, RedactMethod, RedactOptions, RedactTarget } from './redact/options';
export type { HiddenArea, RedactionResult, RedactRequest } from './redact/engine-redact';
