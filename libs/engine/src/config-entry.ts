/**
 * `@platewise/engine/config`: what a caller needs to validate a recognition request and tell the
 * engine's errors apart without loading the engine (no onnxruntime-node, no sharp, no models).
 */
export {
  CONFIG_KEYS,
  DEFAULT_CONFIG,
  distinctRegions,
  MAX_REGIONS,
  parseEngineConfig,
  readEngineConfig,
  regionHints,
  strictRegion,
} from './config';
export type { EngineConfig, ReadConfig } from './config';
export {
  EngineConfigError,
  EngineRestartedError,
  EngineTimeoutError,
  ImageDecodeError,
} from './errors';
export { KNOWN_REGIONS, normaliseRegion } from './plates/formats';
export {
  DEFAULT_REDACT,
  parseRedactOptions,
  REDACT_FORMATS,
  REDACT_METHODS,
  REDACT_TARGETS,
} from './redact/options';
export type { RedactFormat, RedactMethod, RedactOptions, RedactTarget } from './redact/options';
